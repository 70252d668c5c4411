/// The soak client's version, reported in its JSON output.
public enum SoakVersion {
    public static let current = "0.1.0"
}
