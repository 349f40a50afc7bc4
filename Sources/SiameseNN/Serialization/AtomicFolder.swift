import Foundation

/// Replaces a whole folder so that a reader sees either the old folder or the complete new one, never a mix:
/// the new content is written into a hidden sibling, then swapped in with renames.
public enum AtomicFolder {
    /// Calls `fill` with an empty hidden folder beside `destination`, then moves it into place (the previous folder,
    /// if any, is set aside first and removed after the swap; on failure it is put back).
    ///
    /// - Throws: what `fill` throws (nothing is changed then), or ``SafetensorsError/io(path:reason:)``.
    public static func replace(_ destination: URL, fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = destination.deletingLastPathComponent()
        let partial = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: partial) }
        do { try fm.createDirectory(at: partial, withIntermediateDirectories: true) } catch {
            throw SafetensorsError.io(path: partial.path, reason: "cannot create folder (\(error.localizedDescription))")
        }
        try fill(partial)
        let aside = parent.appendingPathComponent(".\(destination.lastPathComponent).old-\(UUID().uuidString)")
        let hadOld = fm.fileExists(atPath: destination.path)
        if hadOld && rename(destination.path, aside.path) != 0 {
            throw SafetensorsError.io(path: destination.path, reason: "cannot move the previous folder aside (errno \(errno))")
        }
        if rename(partial.path, destination.path) != 0 {
            if hadOld { _ = rename(aside.path, destination.path) }
            throw SafetensorsError.io(path: destination.path, reason: "cannot move the new folder into place (errno \(errno))")
        }
        if hadOld { try? fm.removeItem(at: aside) }
    }
}
