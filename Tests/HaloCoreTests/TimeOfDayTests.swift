import Testing
@testable import HaloCore

@Suite struct TimeOfDayTests {
    @Test func timeOfDay() throws {
        #expect(try TimeOfDay(parsing: "13:00").secondsIntoDay == 46_800)
        #expect(try TimeOfDay(parsing: "09:05").description == "09:05")
        for bad in ["24:00", "9:00", "12:60", "1300", ""] {
            #expect(throws: TimeFormatError.invalidTimeOfDay(bad)) { try TimeOfDay(parsing: bad) }
        }
    }
}
