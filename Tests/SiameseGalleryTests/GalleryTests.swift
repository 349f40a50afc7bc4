import Foundation
import Testing
import SiameseCore
import SiameseModels
@testable import SiameseGallery

@Suite struct GalleryTests {
    /// Enrolls `people` identities with `perPerson` random references each; returns their vectors by name.
    private func populate(_ gallery: Gallery, people: Int, perPerson: Int, seed: UInt64) async throws -> [String: [[Float]]] {
        let vectors = randomVectors(people * perPerson, dimension: 6, seed: seed)
        var byName: [String: [[Float]]] = [:]
        for p in 0..<people {
            let name = String(format: "person-%02d", p)
            let mine = Array(vectors[(p * perPerson)..<((p + 1) * perPerson)])
            byName[name] = mine
            try await gallery.enroll(name, metadata: ["index": "\(p)"], from: mine.map { .embedding($0) })
        }
        return byName
    }

    /// Identify, verify and search against a Double brute force over every reference, for a distance (Euclidean)
    /// and a similarity (cosine).
    @Test(arguments: ["euclidean", "cosine"])
    func identifyVerifyAndSearchMatchABruteForce(distance: String) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try makeModelFolder(in: folder, distance: ComponentSpec(name: distance))
        let gallery = try await openGallery(folder.appendingPathComponent("g.sqlite"), model: model)
        let cosine = distance == "cosine"
        let people = try await populate(gallery, people: 30, perPerson: 3, seed: 11)
        for (q, query) in randomVectors(12, dimension: 6, seed: 99).enumerated() {
            // Brute force: each identity's best score.
            let best = people.map { name, refs -> (String, Double) in
                let scores = refs.map { referenceScore(query, $0, cosine: cosine) }
                return (name, cosine ? scores.max()! : scores.min()!)
            }.sorted { cosine ? $0.1 > $1.1 : $0.1 < $1.1 }
            // Halfway between the third and fourth identities: the first three are accepted.
            let threshold = (best[2].1 + best[3].1) / 2
            let result = try await gallery.identify(.embedding(query), k: 5, threshold: .value(threshold))
            #expect(result.candidates.map(\.identity) == best.prefix(5).map(\.0), "query \(q)")
            for (c, b) in zip(result.candidates, best) { #expect(abs(c.score - b.1) < 1e-4) }
            #expect(result.candidates.map(\.accepted) == [true, true, true, false, false])
            #expect(result.match?.identity == best[0].0)
            #expect(result.candidates[0].metadata["index"] == String(Int(best[0].0.suffix(2))!))

            let name = best[7].0
            let scores = people[name]!.map { referenceScore(query, $0, cosine: cosine) }
            let verdict = try await gallery.verify(.embedding(query), against: name, aggregation: .mean, threshold: .value(threshold))
            let mean = scores.reduce(0, +) / 3
            #expect(abs(verdict.score - mean) < 1e-4 && verdict.referenceScores.count == 3)
            #expect(verdict.accepted == (cosine ? mean >= threshold : mean <= threshold))
            let bestVerdict = try await gallery.verify(.embedding(query), against: name, threshold: .value(threshold))
            #expect(abs(bestVerdict.score - best[7].1) < 1e-4 && !bestVerdict.accepted)

            let all = people.flatMap { name, refs in refs.map { (name, referenceScore(query, $0, cosine: cosine)) } }
                .sorted { cosine ? $0.1 > $1.1 : $0.1 < $1.1 }
            let hits = try await gallery.search(.embedding(query), k: 7)
            #expect(hits.map(\.identity) == all.prefix(7).map(\.0))
            for (h, a) in zip(hits, all) { #expect(abs(h.score - a.1) < 1e-4) }
        }
    }

    @Test func theIndexCatchesUpWithAnotherConnection() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try makeModelFolder(in: folder)
        let database = folder.appendingPathComponent("g.sqlite")
        let first = try await openGallery(database, model: model)
        let second = try await openGallery(database, model: model)
        let people = try await populate(first, people: 5, perPerson: 2, seed: 3)
        let probe = people["person-03"]![1]
        #expect(try await first.identify(.embedding(probe), k: 1, threshold: .value(1e-3)).match?.identity == "person-03")
        let built = try #require(await first.indexGeneration)

        // Another connection enrolls a newcomer and removes person-03: the first gallery sees both.
        let newcomer = randomVectors(1, dimension: 6, seed: 1234)[0]
        try await second.enroll("newcomer", from: [.embedding(newcomer)])
        try await second.remove("person-03")
        let found = try await first.identify(.embedding(newcomer), k: 2, threshold: .value(1e-3))
        #expect(found.match?.identity == "newcomer")
        #expect(try #require(await first.indexGeneration) > built)
        let after = try await first.identify(.embedding(probe), k: 6, threshold: .value(1e-3))
        #expect(after.match == nil && !after.candidates.contains { $0.identity == "person-03" } && after.candidates.count == 5)
        await #expect(throws: GalleryError.unknownIdentity("person-03")) { try await first.verify(.embedding(probe), against: "person-03", threshold: .value(1)) }

        // A dropped index is rebuilt from the store with the same answers.
        await first.invalidateIndex()
        #expect(await first.indexGeneration == nil)
        #expect(try await first.identify(.embedding(probe), k: 6, threshold: .value(1e-3)) == after)
    }

    @Test func thresholdsComeFromTheCalibrationOrAreGiven() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let gallery = try await openGallery(folder.appendingPathComponent("g.sqlite"), model: try makeModelFolder(in: folder))
        try await gallery.enroll("ada", from: [.embedding([0, 0, 0, 0, 0, 0])])
        // Distance 0.2 from ada's reference: accepted at the calibrated 0.5 and at FAR 1 % (0.3), refused at FAR 0.1 % (0.1).
        let probe = EmbeddingSource.embedding([0.2, 0, 0, 0, 0, 0])
        let calibrated = try await gallery.verify(probe, against: "ada")
        #expect(calibrated.accepted && calibrated.threshold == AppliedThreshold(value: 0.5, rule: "best-accuracy", falseAcceptRate: 0.05))
        #expect(abs(calibrated.score - 0.2) < 1e-6)
        #expect(try await gallery.verify(probe, against: "ada", threshold: .falseAcceptRate(0.02)).threshold.value == 0.3)
        let strict = try await gallery.identify(probe, threshold: .falseAcceptRate(0.001))
        #expect(strict.match == nil && strict.threshold.value == 0.1 && strict.candidates.map(\.identity) == ["ada"])
        #expect(try await gallery.verify(probe, against: "ada", threshold: .value(0.19)).accepted == false)
        await #expect(throws: GalleryError.noOperatingPoint(rate: 0.0001, available: [0.01, 0.001, 0.05])) {
            try await gallery.verify(probe, against: "ada", threshold: .falseAcceptRate(0.0001))
        }
        await #expect(throws: GalleryError.self) { try await gallery.verify(probe, against: "ada", threshold: .falseAcceptRate(2)) }

        let bare = try await openGallery(folder.appendingPathComponent("bare.sqlite"), model: try makeModelFolder(in: folder, name: "bare", calibrated: false))
        try await bare.enroll("ada", from: [.embedding([0, 0, 0, 0, 0, 0])])
        await #expect(throws: GalleryError.noCalibratedThreshold) { try await bare.identify(probe) }
        #expect(try await bare.search(probe, k: 1).first?.identity == "ada")
    }

    @Test func typedErrors() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try makeModelFolder(in: folder)
        let database = folder.appendingPathComponent("g.sqlite")
        let gallery = try await openGallery(database, model: model)
        let probe = EmbeddingSource.embedding([1, 2, 3, 4, 5, 6])
        await #expect(throws: GalleryError.emptyGallery) { try await gallery.identify(probe) }
        await #expect(throws: GalleryError.emptyGallery) { try await gallery.search(probe) }
        await #expect(throws: GalleryError.unknownIdentity("ghost")) { try await gallery.verify(probe, against: "ghost") }
        await #expect(throws: GalleryError.unknownIdentity("ghost")) { try await gallery.remove("ghost") }
        await #expect(throws: GalleryError.dimensionMismatch(expected: 6, actual: 2, context: "embedding 1")) {
            try await gallery.enroll("ada", from: [probe, .embedding([1, 2])])
        }
        await #expect(throws: GalleryError.nonFiniteEmbedding(index: 0, component: 3)) {
            try await gallery.enroll("ada", from: [.embedding([0, 0, 0, .nan, 0, 0])])
        }
        await #expect(throws: GalleryError.nonFiniteEmbedding(index: 0, component: 0)) { try await gallery.search(.embedding([.infinity, 0, 0, 0, 0, 0])) }
        await #expect(throws: GalleryError.invalidName("bad\nname")) { try await gallery.enroll("bad\nname", from: [probe]) }
        await #expect(throws: GalleryError.self) { try await gallery.enroll("ada", from: []) }
        try await gallery.enroll("ada", from: [probe])
        await #expect(throws: GalleryError.invalidArgument("identify: k must be at least 1, got 0")) { try await gallery.identify(probe, k: 0) }
        let missing = folder.appendingPathComponent("missing.png")
        await #expect(throws: GalleryError.self) { try await gallery.enroll("bob", from: [.imageFile(missing)]) }
        #expect(try await gallery.list().map(\.name) == ["ada"])

        // Another model (other weights, or another embedding size) cannot open the gallery.
        let other = try makeModelFolder(in: folder, name: "other", seed: 8)
        await #expect {
            _ = try await openGallery(database, model: other)
        } throws: { error in
            if case .modelMismatch = error as? GalleryError { return true }
            return false
        }
        let wider = try makeModelFolder(in: folder, name: "wider", embeddingSize: 7)
        await #expect {
            _ = try await openGallery(database, model: wider)
        } throws: { error in
            if case let .modelMismatch(_, _, storeDimension, _, modelDimension) = error as? GalleryError { return storeDimension == 6 && modelDimension == 7 }
            return false
        }
        // An unsaved model has no content hash to record.
        await #expect(throws: GalleryError.modelWithoutContentHash) {
            let unsaved = try EmbeddingModel.load(from: model)
            unsaved.info.contentHash = ""
            _ = try await Gallery(store: try SQLiteGalleryStore(path: database.path), model: unsaved)
        }
    }

    /// Images are embedded by the model: a file enrolled is found again by itself, scores match `compare`.
    @Test func imagesAreEmbeddedByTheModel() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelFolder = try makeModelFolder(in: folder)
        let gallery = try await openGallery(folder.appendingPathComponent("g.sqlite"), model: modelFolder)
        let files = try (0..<4).map { i -> URL in
            let url = folder.appendingPathComponent("face-\(i).pgm")
            try writePGM(to: url, seed: UInt64(i + 1))
            return url
        }
        try await gallery.enroll("ada", from: [.imageFile(files[0]), .imageFile(files[1])])
        let bytes = try Data(contentsOf: files[2])
        try await gallery.enroll("bob", from: [.imageData(bytes, name: "upload.pgm")])
        let hits = try await gallery.search(.imageFile(files[1]), k: 3)
        #expect(hits[0].identity == "ada" && hits[0].source == files[1].path && hits[0].score < 1e-5)
        #expect(Set(hits.map(\.source)) == [files[0].path, files[1].path, "upload.pgm"])
        let model = try EmbeddingModel.load(from: modelFolder)
        let expected = try model.compare(files[3], files[2], threshold: 0.5)
        let verdict = try await gallery.verify(.imageFile(files[3]), against: "bob", threshold: .value(0.5))
        #expect(abs(verdict.score - expected.distance) < 1e-5 && verdict.accepted == expected.same)
        let garbage = folder.appendingPathComponent("garbage.png")
        try Data("not an image".utf8).write(to: garbage)
        await #expect {
            try await gallery.enroll("eve", from: [.imageFile(files[0]), .imageFile(garbage)])
        } throws: { error in
            if case let .unreadableImage(path, _) = error as? GalleryError { return path == garbage.path }
            return false
        }
        #expect(try await gallery.identity(named: "eve") == nil)
    }
}
