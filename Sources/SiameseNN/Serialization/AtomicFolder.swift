import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a whole folder so that a reader sees either the old folder or the complete new one, never a mix:
/// the new content is written into a hidden sibling, then swapped in.
///
/// On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call, so a process killed at any moment leaves the old
/// folder or the new one at `destination`, never neither. Elsewhere (or on a file system without the exchange) the
/// old folder is renamed aside and the new one renamed into place: two renames, with a moment between them when
/// `destination` is missing and the old folder waits in a hidden `.NAME.old-…` sibling, which the next `replace`
/// puts back if it is all there is.
public enum AtomicFolder {
    /// Calls `fill` with an empty hidden folder beside `destination`, then moves it into place (the previous folder,
    /// if any, is removed after the swap; on failure it stays in place).
    ///
    /// Hidden siblings left by an earlier process that was killed while replacing the same folder are removed first.
    ///
    /// - Throws: what `fill` throws (nothing is changed then), or ``SafetensorsError/io(path:reason:)``.
    public static func replace(_ destination: URL, fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = destination.deletingLastPathComponent()
        recover(destination)
        let partial = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: partial) }
        do { try fm.createDirectory(at: partial, withIntermediateDirectories: true) } catch {
            throw SafetensorsError.io(path: partial.path, reason: "cannot create folder (\(error.localizedDescription))")
        }
        try fill(partial)
        let hadOld = fm.fileExists(atPath: destination.path)
        // After the exchange `partial` holds the old folder, which the deferred removal deletes.
        if hadOld, exchange(partial.path, destination.path) { return }
        let aside = parent.appendingPathComponent(".\(destination.lastPathComponent).old-\(UUID().uuidString)")
        if hadOld && rename(destination.path, aside.path) != 0 {
            throw SafetensorsError.io(path: destination.path, reason: "cannot move the previous folder aside (errno \(errno))")
        }
        if rename(partial.path, destination.path) != 0 {
            if hadOld { _ = rename(aside.path, destination.path) }
            throw SafetensorsError.io(path: destination.path, reason: "cannot move the new folder into place (errno \(errno))")
        }
        if hadOld { try? fm.removeItem(at: aside) }
    }

    /// Tidies what a killed ``replace(_:fill:)`` may have left beside `destination`: when `destination` is missing
    /// and a previous folder waits aside (`.NAME.old-…`), it is renamed back; half-written `.NAME.partial-…` folders
    /// and leftover `.NAME.old-…` folders are removed.
    public static func recover(_ destination: URL) {
        let fm = FileManager.default
        let parent = destination.deletingLastPathComponent()
        let name = destination.lastPathComponent
        guard let siblings = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
        let aside = siblings.filter { $0.hasPrefix(".\(name).old-") }.sorted()
        if !fm.fileExists(atPath: destination.path), aside.count == 1 {
            _ = rename(parent.appendingPathComponent(aside[0]).path, destination.path)
        }
        for sibling in siblings where sibling.hasPrefix(".\(name).partial-") || sibling.hasPrefix(".\(name).old-") {
            try? fm.removeItem(at: parent.appendingPathComponent(sibling))
        }
    }

    /// Swaps two paths in one step (Linux `renameat2` with `RENAME_EXCHANGE`); false where that is unavailable.
    private static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        // Looked up at run time: glibc declares renameat2 only for _GNU_SOURCE, which Swift's Glibc module lacks.
        guard let symbol = dlsym(nil, "renameat2") else { return false }  // nil: RTLD_DEFAULT
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let atCurrentDirectory: Int32 = -100, renameExchange: UInt32 = 1 << 1
        return renameat2(atCurrentDirectory, a, atCurrentDirectory, b, renameExchange) == 0
        #else
        return false
        #endif
    }
}
