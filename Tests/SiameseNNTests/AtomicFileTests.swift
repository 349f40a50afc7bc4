import Foundation
import Testing
@testable import SiameseNN

@Suite struct AtomicFileTests {
    /// A full disk or a file-size limit reaches the error as the system's words, not Foundation's generic ones.
    @Test func failedWritesNameTheSystemsReason() {
        let full = NSError(domain: NSCocoaErrorDomain, code: 512, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))])
        #expect(AtomicFile.systemReason(full) == "No space left on device")
        let tooLarge = NSError(domain: NSCocoaErrorDomain, code: 512, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EFBIG))])
        #expect(AtomicFile.systemReason(tooLarge) == "File too large")
    }

    @Test func writingReplacesTheFileAndLeavesNoTemporaryFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-atomic-file-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("a.json")
        try AtomicFile.write(Data("1".utf8), to: url)
        try AtomicFile.write(Data("22".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("22".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.json"])
    }
}
