import Foundation

/// Writes files so that a reader sees either the old content or the complete new content, never a mix.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url`, flushes it, then renames it over `url`.
    ///
    /// - Throws: ``SafetensorsError/io(path:reason:)`` naming the file.
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
                throw SafetensorsError.io(path: url.path, reason: "cannot create a temporary file in \(dir.path)")
            }
            let handle = try FileHandle(forWritingTo: temp)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(temp.path, url.path) != 0 {
                throw SafetensorsError.io(path: url.path, reason: "cannot rename the temporary file into place (errno \(errno))")
            }
        } catch let error as SafetensorsError {
            try? FileManager.default.removeItem(at: temp)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw SafetensorsError.io(path: url.path, reason: "write failed (\(systemReason(error)))")
        }
    }

    /// The operating system's words for a failed write ("File too large", "No space left on device"), which
    /// Foundation's own description ("The operation could not be completed") hides in the underlying error.
    static func systemReason(_ error: any Error) -> String {
        var current: NSError? = error as NSError
        while let e = current {
            if e.domain == NSPOSIXErrorDomain, let text = strerror(Int32(e.code)) { return String(cString: text) }
            current = e.userInfo[NSUnderlyingErrorKey] as? NSError
        }
        return error.localizedDescription
    }
}
