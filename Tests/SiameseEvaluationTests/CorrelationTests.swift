import SiameseEvaluation
import SiameseTestSupport
import Testing

@Suite struct CorrelationTests {
    struct Reference: Decodable {
        struct Case: Decodable { let name: String; let x: [Double]; let y: [Double]; let pearson: Double; let spearman: Double }
        let cases: [Case]
    }

    @Test func matchesSciPy() throws {
        let reference = try Fixtures.decode(Reference.self, from: "correlation_reference.json")
        #expect(reference.cases.count == 4)
        for c in reference.cases {
            #expect(abs(try Correlation.pearson(c.x, c.y) - c.pearson) < 1e-12, "\(c.name)")
            #expect(abs(try Correlation.spearman(c.x, c.y) - c.spearman) < 1e-12, "\(c.name)")
        }
    }

    @Test func averageRanksForTies() {
        #expect(Correlation.ranks([10, 20, 10, 30, 20, 20]) == [1.5, 4, 1.5, 6, 4, 4])
    }

    @Test func undefinedInputsAreTypedErrors() {
        #expect(throws: CorrelationError.lengthMismatch(2, 3)) { try Correlation.pearson([1, 2], [1, 2, 3]) }
        #expect(throws: CorrelationError.tooFew(1)) { try Correlation.spearman([1], [1]) }
        #expect(throws: CorrelationError.constant(sample: "second")) { try Correlation.spearman([1, 2, 3], [4, 4, 4]) }
        #expect(throws: CorrelationError.nonFinite(sample: "first", index: 1)) { try Correlation.pearson([1, .nan], [1, 2]) }
    }
}
