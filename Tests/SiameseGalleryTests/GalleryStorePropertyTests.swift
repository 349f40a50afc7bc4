import Foundation
import PropertyBased
import Testing
@testable import SiameseGallery

/// A SQLite gallery written and reopened for generated enrollments: every identity, its metadata, its references'
/// vectors (bit for bit, in order) and sources come back, and enrolling an existing name adds to it.
@Suite struct GalleryStorePropertyTests {
    static let alphabet = Array("aZ0 _-é中'\"%;\\\n")
    static let text = Gen.int(in: 0...(alphabet.count - 1)).array(of: 1...6).map { String($0.map { alphabet[$0] }) }
    static let vectors = Gen.uint32(in: 0...UInt32.max).map { Float(bitPattern: $0) }.filter(\.isFinite).array(of: 3).array(of: 1...3)
    static let enrollments = zip(text, Gen.bool, zip(text, text).array(of: 0...2), vectors).map { (name: String, hasMetadata: Bool, pairs: [(String, String)], vectors: [[Float]]) -> Enrollment in
        Enrollment(name: name, metadata: hasMetadata ? Dictionary(pairs, uniquingKeysWith: { a, _ in a }) : nil,
                   references: vectors.enumerated().map { NewReference(vector: $1, source: $0 == 0 ? nil : "\(name)-\($0)") })
    }

    @Test func enrollmentsSurviveReopening() async throws {
        await propertyCheck(count: 40, input: Self.enrollments.array(of: 1...6)) { batch in
            let folder = try temporaryFolder("gallery-property")
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("g.sqlite").path
            let binding = ModelBinding(contentHash: String(repeating: "b", count: 64), dimension: 3)
            let store = try SQLiteGalleryStore(path: path)
            // The expected state: references accumulate per name; metadata is replaced when given, kept otherwise.
            var expected: [String: (metadata: [String: String], references: [NewReference])] = [:]
            for enrollment in batch {
                let receipt = try await store.enroll(enrollment, binding: binding)
                let before = expected[enrollment.name]
                #expect(receipt.created == (before == nil))
                expected[enrollment.name] = (enrollment.metadata ?? before?.metadata ?? [:], (before?.references ?? []) + enrollment.references)
                #expect(receipt.identity.referenceCount == expected[enrollment.name]!.references.count)
            }
            let reopened = try SQLiteGalleryStore(path: path)
            #expect(try await reopened.binding() == binding)
            let identities = try await reopened.identities()
            #expect(Set(identities.map(\.name)) == Set(expected.keys) && identities.count == expected.count)
            for identity in identities {
                let want = expected[identity.name]!
                #expect(identity.metadata == want.metadata && identity.referenceCount == want.references.count)
                let stored = try await reopened.references(of: identity.name)
                #expect(stored.map { $0.vector.map(\.bitPattern) } == want.references.map { $0.vector.map(\.bitPattern) })
                #expect(stored.map(\.source) == want.references.map(\.source))
            }
        }
    }
}
