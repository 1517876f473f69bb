import LuaSandbox

/// The versions `halo --version` prints.
public enum HaloVersion {
    /// halo's own version (semantic versioning; bumped on release).
    public static let halo = "0.1.0"

    /// `halo 0.1.0` and the Lua it runs: the release its headers name and the core library's
    /// version number, read from the library at run time (`lua_version`).
    public static var text: String {
        let lua = LuaSandbox.luaVersion
        return "halo \(halo)\n\(lua.release) (library \(lua.core / 100).\(lua.core % 100))"
    }
}
