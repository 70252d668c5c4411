/// The tokens a run logs in with: one line per simulated user, `INGEST_TOKEN [READ_TOKEN]`.
/// Editors use the ingest token; dashboards use the read token when the line has one.
public struct SoakTokens: Sendable, Equatable {
    public var ingest: [String]
    public var read: [String?]

    public init(ingest: [String] = [], read: [String?] = []) {
        self.ingest = ingest
        self.read = read
    }

    /// Parses a token file: blank lines and lines starting with `#` are skipped.
    public init(fileContents: String) {
        self.init()
        for line in fileContents.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            ingest.append(String(first))
            read.append(fields.count > 1 ? String(fields[1]) : nil)
        }
    }

    /// The file form (round-trips through `init(fileContents:)`).
    public var fileContents: String {
        zip(ingest, read).map { ingest, read in read.map { "\(ingest) \($0)" } ?? ingest }.joined(separator: "\n") + "\n"
    }

    public var count: Int { ingest.count }
}
