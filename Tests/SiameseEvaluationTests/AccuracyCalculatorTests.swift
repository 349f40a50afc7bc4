import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseEvaluation
import SiameseTestSupport

/// PyTorch Metric Learning 2.9's AccuracyCalculator: the shared fixture's section and the cases of
/// `accuracy_calculator_reference.json` (scripts/reference/accuracy_calculator_reference.py), to 1e-6.
@Suite struct AccuracyCalculatorTests {
    static let tolerance = 1e-6

    static func tensor(_ rows: Any?) -> Tensor {
        let rows = (rows as! [[Double]]).map { $0.map(Float.init) }
        return Tensor(rows.flatMap { $0 }, shape: [rows.count, rows.first?.count ?? 0])
    }

    static func calculator(_ c: [String: Any]) -> AccuracyCalculator {
        let k: RetrievalK
        switch c["k"] {
        case let s as String where s == "max_bin_count": k = .maxBinCount
        case let n as Int: k = .fixed(n)
        default: k = .all
        }
        let metrics = Set((c["include"] as! [String]).map { RetrievalMetric(pmlName: $0)! })
        return AccuracyCalculator(metrics: metrics, k: k, averagePerClass: c["avg_of_avgs"] as? Bool ?? false)
    }

    static func run(_ c: [String: Any]) throws -> RetrievalMetrics {
        let calculator = calculator(c)
        let query = tensor(c["query"]), queryLabels = c["query_labels"] as! [Int]
        guard c["reference"] != nil else { return try calculator.accuracy(query: query, queryLabels: queryLabels) }
        return try calculator.accuracy(query: query, queryLabels: queryLabels, reference: tensor(c["reference"]),
                                       referenceLabels: c["reference_labels"] as? [Int],
                                       referenceIncludesQuery: c["ref_includes_query"] as? Bool ?? false)
    }

    static var cases: [[String: Any]] {
        ((try? Fixtures.json("accuracy_calculator_reference.json")) as? [String: Any])?["cases"] as? [[String: Any]] ?? []
    }

    @Test func sharedFixtureSectionMatches() throws {
        let root = try Fixtures.json("pml_conformance.json") as! [String: Any]
        let section = root["accuracy_calculator"] as! [String: Any]
        let calculator = AccuracyCalculator(metrics: [.precisionAt1, .rPrecision, .meanAveragePrecisionAtR, .nmi, .ami], k: .maxBinCount)
        let m = try calculator.accuracy(query: Self.tensor(section["query"]), queryLabels: section["query_labels"] as! [Int],
                                        reference: Self.tensor(section["reference"]), referenceLabels: section["reference_labels"] as? [Int])
        let expected = section["results"] as! [String: Double]
        #expect(expected.count == 5)
        for (name, value) in expected {
            let metric = try #require(RetrievalMetric(pmlName: name))
            #expect(abs(m[metric] - value) <= Self.tolerance, "\(name): \(m[metric]) vs PML \(value)")
        }
        #expect(m.k == 10 && m.queries == 20 && m.loneQueries == 0)
    }

    @Test func referenceCasesMatch() throws {
        let cases = Self.cases
        #expect(cases.count >= 15)
        for c in cases {
            let name = c["name"] as! String
            let m = try Self.run(c)
            let results = c["results"] as! [String: Any]
            for (pmlName, value) in results {
                let metric = try #require(RetrievalMetric(pmlName: pmlName))
                if let perClass = value as? [Double] {
                    let ours = try #require(m.perClass[metric]).sorted { $0.key < $1.key }.map(\.value)
                    #expect(ours.count == perClass.count, "\(name) \(pmlName) per class")
                    for (a, b) in zip(ours, perClass) { #expect(abs(a - b) <= Self.tolerance, "\(name) \(pmlName) per class: \(a) vs \(b)") }
                } else {
                    let expected = value as! Double
                    let ok = expected.isNaN ? m[metric].isNaN : abs(m[metric] - expected) <= Self.tolerance
                    #expect(ok, "\(name) \(pmlName): \(m[metric]) vs PML \(expected)")
                }
            }
        }
    }

    @Test func loneQueriesAreLeftOut() throws {
        let c = try #require(Self.cases.first { $0["name"] as? String == "split_k_all" })
        let m = try Self.run(c)
        // Label 5 (five queries) is in no reference.
        #expect(m.loneQueries == 5 && m.queries == 25 && m.k == 70)
        let selfCase = try #require(Self.cases.first { $0["name"] as? String == "self_k_all" })
        let s = try Self.run(selfCase)
        #expect(s.loneQueries == 1 && s.k == 47)
    }

    @Test func smallNeighbourBudgetsGiveTheSameMetrics() throws {
        for name in ["self_k_all", "split_k_max_bin_count", "includes_query_k_all", "ties_self_k4"] {
            let c = try #require(Self.cases.first { $0["name"] as? String == name })
            var small = c
            let whole = try Self.run(c)
            small["include"] = (c["include"] as! [String]).filter { $0 != "NMI" && $0 != "AMI" }
            var calculator = Self.calculator(small)
            calculator.neighbourBudget = 7
            let query = Self.tensor(c["query"]), labels = c["query_labels"] as! [Int]
            let chunked = c["reference"] == nil
                ? try calculator.accuracy(query: query, queryLabels: labels)
                : try calculator.accuracy(query: query, queryLabels: labels, reference: Self.tensor(c["reference"]),
                                          referenceLabels: c["reference_labels"] as? [Int],
                                          referenceIncludesQuery: c["ref_includes_query"] as? Bool ?? false)
            for metric in RetrievalMetric.allCases where metric.needsNeighbours && whole.values[metric] != nil {
                #expect(chunked[metric] == whole[metric], "\(name) \(metric)")
            }
        }
    }

    @Test func averagePerClassIsTheMeanOfClassMeans() throws {
        let c = try #require(Self.cases.first { $0["name"] as? String == "self_per_class" })
        let m = try Self.run(c)
        var calculator = Self.calculator(c)
        calculator.averagePerClass = true
        let averaged = try calculator.accuracy(query: Self.tensor(c["query"]), queryLabels: c["query_labels"] as! [Int])
        for metric in RetrievalMetric.allCases where metric.needsNeighbours {
            let classes = try #require(m.perClass[metric])
            let mean = classes.values.reduce(0, +) / Double(classes.count)
            #expect(abs(averaged[metric] - mean) < 1e-12)
        }
    }

    @Test func badInputsAreTypedErrors() throws {
        let q = Tensor([0, 0, 1, 1, 2, 2], shape: [3, 2])
        let calculator = AccuracyCalculator(metrics: [.precisionAt1])
        #expect(throws: RetrievalError.labelCountMismatch(name: "query", rows: 3, labels: 2)) {
            try calculator.accuracy(query: q, queryLabels: [0, 1])
        }
        #expect(throws: RetrievalError.dimensionMismatch(query: 2, reference: 3)) {
            try calculator.accuracy(query: q, queryLabels: [0, 1, 1], reference: Tensor([0, 0, 0], shape: [1, 3]), referenceLabels: [0])
        }
        #expect(throws: RetrievalError.nonFinite(name: "query", row: 1)) {
            try calculator.accuracy(query: Tensor([0, 0, .nan, 1], shape: [2, 2]), queryLabels: [0, 1])
        }
        #expect(throws: RetrievalError.invalidK(0)) {
            try AccuracyCalculator(k: .fixed(0)).accuracy(query: q, queryLabels: [0, 1, 1])
        }
        #expect(throws: RetrievalError.referenceDoesNotStartWithQuery(row: 1)) {
            try calculator.accuracy(query: q, queryLabels: [0, 1, 1], reference: Tensor([0, 0, 5, 5, 2, 2, 3, 3], shape: [4, 2]),
                                    referenceLabels: [0, 1, 1, 0], referenceIncludesQuery: true)
        }
        #expect(throws: RetrievalError.invalidShape(name: "query", shape: [6])) {
            try calculator.accuracy(query: Tensor([0, 0, 1, 1, 2, 2]), queryLabels: [0, 1, 1])
        }
    }

    @Test func everyQueryLoneGivesNaN() throws {
        let m = try AccuracyCalculator(metrics: [.precisionAt1, .meanAveragePrecisionAtR], k: .maxBinCount)
            .accuracy(query: Tensor([0, 0, 1, 1, 2, 2], shape: [3, 2]), queryLabels: [0, 1, 2])
        #expect(m[.precisionAt1].isNaN && m[.meanAveragePrecisionAtR].isNaN && m.loneQueries == 3 && m.queries == 0)
    }
}
