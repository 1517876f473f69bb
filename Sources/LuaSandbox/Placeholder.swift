import LuaShim
import CLua
public enum LuaVersion { public static var number: Int { Int(halo_shim_version()) } }
