import Foundation
import Testing
@testable import SiameseNN

/// A folder replaced by ``AtomicFolder`` is the old one or the new one, whatever happens in between.
@Suite struct AtomicFolderTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, _ name: String, in folder: URL) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    static func read(_ name: String, in folder: URL) -> String? {
        FileManager.default.contents(atPath: folder.appendingPathComponent(name).path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func replacingSwapsInTheNewFolderAndLeavesNoSiblings() throws {
        let parent = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = parent.appendingPathComponent("ckpt")
        try AtomicFolder.replace(folder) { try Self.write("one", "a.txt", in: $0); try Self.write("old only", "b.txt", in: $0) }
        try AtomicFolder.replace(folder) { try Self.write("two", "a.txt", in: $0) }
        #expect(Self.read("a.txt", in: folder) == "two")
        #expect(Self.read("b.txt", in: folder) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["ckpt"])
    }

    @Test func aFailingFillLeavesTheOldFolder() throws {
        struct Boom: Error {}
        let parent = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = parent.appendingPathComponent("model")
        try AtomicFolder.replace(folder) { try Self.write("good", "a.txt", in: $0) }
        #expect(throws: Boom.self) {
            try AtomicFolder.replace(folder) { try Self.write("half", "a.txt", in: $0); throw Boom() }
        }
        #expect(Self.read("a.txt", in: folder) == "good")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["model"])
    }

    /// What a process killed between the two renames of the portable path leaves: no folder, the old one aside.
    @Test func aFolderLeftAsideByAKilledWriterIsPutBack() throws {
        let parent = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = parent.appendingPathComponent("last")
        let aside = parent.appendingPathComponent(".last.old-\(UUID().uuidString)")
        let partial = parent.appendingPathComponent(".last.partial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        try Self.write("epoch 3", "state.txt", in: aside)
        try Self.write("epoch 4, half", "state.txt", in: partial)
        AtomicFolder.recover(folder)
        #expect(Self.read("state.txt", in: folder) == "epoch 3")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["last"])
    }

    @Test func staleSiblingsOfAnEarlierKillAreRemovedByTheNextReplace() throws {
        let parent = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = parent.appendingPathComponent("last")
        try AtomicFolder.replace(folder) { try Self.write("1", "a.txt", in: $0) }
        try FileManager.default.createDirectory(at: parent.appendingPathComponent(".last.partial-x"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: parent.appendingPathComponent(".other.partial-y"), withIntermediateDirectories: true)
        try AtomicFolder.replace(folder) { try Self.write("2", "a.txt", in: $0) }
        #expect(Self.read("a.txt", in: folder) == "2")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted() == [".other.partial-y", "last"])
    }
}
