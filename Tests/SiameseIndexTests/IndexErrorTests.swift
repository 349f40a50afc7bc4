import SiameseCore
@testable import SiameseIndex
import Testing

@Suite struct IndexErrorTests {
    static func filled(_ metric: IndexMetric = .l2) throws -> ExactIndex {
        var index = ExactIndex(dimension: 3, metric: metric)
        try index.add([[1, 2, 3], [4, 5, 6]])
        return index
    }

    @Test func kBelowOneIsRefused() throws {
        let index = try Self.filled()
        #expect(throws: IndexError.invalidK(0)) { try index.search([[1, 2, 3]], k: 0) }
        #expect(throws: IndexError.invalidK(-3)) { try index.search(Tensor([1, 2, 3]), k: -3) }
    }

    @Test func anEmptyIndexIsRefused() {
        let index = ExactIndex(dimension: 3, metric: .cosine)
        #expect(throws: IndexError.emptyIndex) { try index.search([[1, 2, 3]], k: 1) }
    }

    @Test func wrongDimensionsAndShapesAreRefused() throws {
        var index = try Self.filled()
        #expect(throws: IndexError.dimensionMismatch(operation: "search", expected: 3, actual: 2)) { try index.search([[1, 2]], k: 1) }
        #expect(throws: IndexError.dimensionMismatch(operation: "search", expected: 3, actual: 4)) {
            try index.search(Tensor.zeros([2, 4]), k: 1)
        }
        #expect(throws: IndexError.dimensionMismatch(operation: "add", expected: 3, actual: 2)) { try index.add([[1, 2, 3], [1, 2]]) }
        #expect(throws: IndexError.dimensionMismatch(operation: "add", expected: 3, actual: 5)) { try index.add(Tensor.zeros([5])) }
        #expect(throws: IndexError.invalidShape(operation: "search", shape: [1, 1, 3])) { try index.search(Tensor.zeros([1, 1, 3]), k: 1) }
        #expect(throws: IndexError.invalidShape(operation: "add", shape: [])) { try index.add(Tensor(scalar: 1)) }
        #expect(index.count == 2)
    }

    @Test func nonFiniteValuesAreRefusedWithTheirPosition() throws {
        var index = try Self.filled()
        #expect(throws: IndexError.nonFinite(operation: "search", row: 1, column: 2)) {
            try index.search([[1, 2, 3], [1, 2, .nan]], k: 1)
        }
        #expect(throws: IndexError.nonFinite(operation: "add", row: 0, column: 1)) { try index.add(Tensor([0, .nan, 0])) }
        #expect(throws: IndexError.nonFinite(operation: "add", row: 2, column: 0)) {
            try index.add([[0, 0, 0], [1, 1, 1], [.infinity, 0, 0]])
        }
        #expect(index.count == 2)                                   // a failed add changes nothing
        #expect(try index.search([[0, 0, 0]], k: 5).ids == [[0, 1]])
    }

    @Test func badIDsAreRefusedAndLeaveTheIndexUnchanged() throws {
        var index = try Self.filled()
        #expect(throws: IndexError.idCountMismatch(vectors: 1, ids: 2)) { try index.add([[1, 1, 1]], ids: [7, 8]) }
        #expect(throws: IndexError.duplicateID(1)) { try index.add([[1, 1, 1]], ids: [1]) }
        #expect(throws: IndexError.duplicateID(9)) { try index.add([[1, 1, 1], [2, 2, 2]], ids: [9, 9]) }
        #expect(index.count == 2 && index.ids == [0, 1])
        #expect(try index.add([[1, 1, 1]]) == [2])
    }

    @Test func descriptionsNameTheProblem() {
        #expect(IndexError.invalidK(0).description.contains("k must be at least 1, got 0"))
        #expect(IndexError.emptyIndex.description.contains("empty"))
        #expect(IndexError.dimensionMismatch(operation: "add", expected: 3, actual: 2).description
            == "add: the index has dimension 3, but vectors of dimension 2 were given")
        #expect(IndexError.nonFinite(operation: "search", row: 4, column: 1).description.contains("vector 4"))
        #expect(IndexError.duplicateID(12).description.contains("id 12"))
        #expect(IndexError.idCountMismatch(vectors: 1, ids: 2).description.contains("2 ids were given for 1 vectors"))
        #expect(IndexError.invalidShape(operation: "search", shape: [1, 1, 3]).description.contains("[1, 1, 3]"))
    }
}
