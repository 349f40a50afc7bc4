import Foundation
import Testing
@testable import SiameseEvaluation
import SiameseTestSupport

/// NMI and AMI against scikit-learn's `normalized_mutual_info_score` and `adjusted_mutual_info_score`.
@Suite struct MutualInformationTests {
    @Test func matchesScikitLearn() throws {
        let root = try Fixtures.json("accuracy_calculator_reference.json") as! [String: Any]
        let cases = root["mutual_information"] as! [[String: Any]]
        #expect(cases.count >= 6)
        for c in cases {
            let a = c["a"] as! [Int], b = c["b"] as! [Int], name = c["name"] as! String
            let nmi = MutualInformation.normalized(a, b), ami = MutualInformation.adjusted(a, b)
            #expect(abs(nmi - (c["nmi"] as! Double)) < 1e-10, "\(name) NMI \(nmi)")
            #expect(abs(ami - (c["ami"] as! Double)) < 1e-10, "\(name) AMI \(ami)")
        }
    }

    @Test func isSymmetricAndLabelFree() {
        let a = [0, 0, 1, 1, 2, 2, 2], b = [5, 5, 5, 7, 7, 9, 9]
        #expect(abs(MutualInformation.normalized(a, b) - MutualInformation.normalized(b, a)) < 1e-15)
        #expect(abs(MutualInformation.adjusted(a, b) - MutualInformation.adjusted(a.map { $0 * 3 + 1 }, b)) < 1e-15)
        #expect(MutualInformation.normalized(a, a) == 1)
    }
}
