import Foundation

extension ScoredPairs {
    /// Column names a CSV header may use for the first text, the second text and the score or label.
    public static let csvColumns = (
        first: ["sentence1", "text1", "question1", "anchor", "a"],
        second: ["sentence2", "text2", "question2", "positive", "b"],
        score: ["score", "label", "similarity", "is_duplicate"]
    )

    /// Reads comma-separated pairs with a header line (RFC 4180 quoting: fields in double quotes may hold commas,
    /// newlines and doubled quotes). The header names the columns, case-insensitively, from ``csvColumns``: for
    /// example `sentence1,sentence2,score` or Quora's `id,qid1,qid2,question1,question2,is_duplicate`. Scores are
    /// graded similarities or 0/1 labels.
    ///
    /// - Throws: ``TextError/malformedFile(path:reason:)`` naming a missing column, a line with too few fields, a score
    ///   that is not a finite number, an unterminated quote, or a file without pairs.
    public static func readCSV(_ text: String, path: String) throws -> ScoredPairs {
        var rows = try parseCSV(text, path: path)
        guard !rows.isEmpty else { throw TextError.malformedFile(path: path, reason: "holds no scored pairs") }
        let header = rows.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ names: [String], _ role: String) throws -> Int {
            guard let index = header.firstIndex(where: { names.contains($0) }) else {
                throw TextError.malformedFile(path: path, reason: "the header has no \(role) column (one of \(names.joined(separator: ", ")); found \(header.joined(separator: ", ")))")
            }
            return index
        }
        let a = try column(csvColumns.first, "first-text"), b = try column(csvColumns.second, "second-text")
        let s = try column(csvColumns.score, "score")
        let needed = Swift.max(a, b, s) + 1
        var pairs = ScoredPairs(first: [], second: [], scores: [])
        for row in rows where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            guard row.fields.count >= needed else {
                throw TextError.malformedFile(path: path, reason: "line \(row.line) has \(row.fields.count) fields, expected at least \(needed)")
            }
            let raw = row.fields[s].trimmingCharacters(in: .whitespaces)
            guard let value = Double(raw), value.isFinite else {
                throw TextError.malformedFile(path: path, reason: "line \(row.line): \(header[s]) '\(raw)' is not a number")
            }
            pairs.first.append(row.fields[a]); pairs.second.append(row.fields[b]); pairs.scores.append(value)
        }
        guard !pairs.scores.isEmpty else { throw TextError.malformedFile(path: path, reason: "holds no scored pairs") }
        return pairs
    }

    /// Records of `text` with the line each starts on.
    private static func parseCSV(_ text: String, path: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = [], field = "", quoted = false, afterQuote = false
        var line = 1, start = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((start, fields)) }
            fields = []; field = ""; afterQuote = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; afterQuote = true; pending = next }
                    } else { quoted = false; afterQuote = true }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": fields.append(field); field = ""; afterQuote = false
            case "\n", "\r\n": endRecord(); line += 1; start = line
            case "\r": break
            default: field.append(c)
            }
        }
        if quoted { throw TextError.malformedFile(path: path, reason: "line \(start): a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return rows
    }
}
