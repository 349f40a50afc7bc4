import Foundation
import Testing
@testable import SiameseCore

@Suite struct RegistryTests {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Runs `body` and returns the RegistryError it throws, or nil.
    static func registryError(_ body: () throws -> Void) -> RegistryError? {
        do { try body() } catch let error as RegistryError { return error } catch { return nil }
        return nil
    }

    // MARK: RecipeValue

    @Test func recipeValueDecodesEveryJSONValue() throws {
        let value = try Self.decode(RecipeValue.self, #"{"n": 0.5, "i": 3, "b": true, "s": "cosine", "a": [1, false, null], "o": {"k": "v"}, "z": null}"#)
        #expect(value == .object([
            "n": .number(0.5), "i": .number(3), "b": .bool(true), "s": .string("cosine"),
            "a": .array([.number(1), .bool(false), .null]), "o": .object(["k": .string("v")]), "z": .null,
        ]))
        // A JSON number is never a boolean, nor a numeric-looking string a number.
        #expect(try Self.decode(RecipeValue.self, "1") == .number(1))
        #expect(try Self.decode(RecipeValue.self, "0") == .number(0))
        #expect(try Self.decode(RecipeValue.self, #""0.5""#) == .string("0.5"))
        #expect(try Self.decode(RecipeValue.self, "false") == .bool(false))
    }

    @Test func recipeValueEncodesBackToTheSameJSON() throws {
        let value: RecipeValue = ["a": [1, 2.5, true, "x", nil], "b": ["c": false]]
        let json = try Self.encode(value)
        #expect(try Self.decode(RecipeValue.self, json) == value)
        #expect(json == #"{"a":[1,2.5,true,"x",null],"b":{"c":false}}"#)
    }

    @Test func floatsKeepTheirShortestDecimal() {
        #expect(RecipeValue(Float(0.3)) == .number(0.3))
        #expect(RecipeValue(Float(2)) == .number(2))
    }

    // MARK: ComponentSpec

    @Test func specDecodesFromAPlainString() throws {
        let spec = try Self.decode(ComponentSpec.self, #""triplet-margin""#)
        #expect(spec == ComponentSpec(name: "triplet-margin"))
        #expect(spec.parameters.isEmpty)
    }

    @Test func specDecodesFromAMappingWithANestedSpec() throws {
        let spec = try Self.decode(ComponentSpec.self, #"{"name": "triplet-margin", "margin": 0.2, "distance": {"name": "cosine-similarity"}}"#)
        #expect(spec.name == "triplet-margin")
        #expect(spec.parameters == ["margin": .number(0.2), "distance": .object(["name": .string("cosine-similarity")])])
        var reader = ParameterReader(kind: "loss", spec: spec)
        #expect(try reader.spec("distance", default: "lp-distance") == ComponentSpec(name: "cosine-similarity"))
    }

    @Test func specEncodesAsAStringWithoutParametersAndAsAMappingWith() throws {
        #expect(try Self.encode(ComponentSpec(name: "cosine")) == #""cosine""#)
        let spec = ComponentSpec(name: "lp-distance", parameters: ["p": 1, "normalizeEmbeddings": false])
        let json = try Self.encode(spec)
        #expect(json == #"{"name":"lp-distance","normalizeEmbeddings":false,"p":1}"#)
        #expect(try Self.decode(ComponentSpec.self, json) == spec)
        #expect(spec.description == "lp-distance(normalizeEmbeddings: false, p: 1)")
    }

    @Test func specWithoutANameIsADecodingError() {
        #expect(throws: DecodingError.self) { try Self.decode(ComponentSpec.self, #"{"margin": 0.2}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(ComponentSpec.self, #"{"name": 3}"#) }
        #expect(throws: DecodingError.self) { try Self.decode(ComponentSpec.self, "0.5") }
    }

    // MARK: ParameterReader

    @Test func readerReadsTypedValuesWithDefaults() throws {
        var reader = ParameterReader(kind: "loss", name: "demo", parameters: [
            "f": 0.25, "i": 3.0, "b": true, "s": "hard", "n": nil, "o": 1.5,
        ])
        #expect(try reader.float("f", default: 1) == 0.25)
        #expect(try reader.double("f", default: 1) == 0.25)
        #expect(try reader.int("i", default: 0) == 3)
        #expect(try reader.bool("b", default: false))
        #expect(try reader.string("s", default: "all") == "hard")
        #expect(try reader.float("n", default: 7) == 7)           // null takes the default
        #expect(try reader.optionalFloat("absent") == nil)
        #expect(try reader.optionalFloat("o") == 1.5)
        #expect(try reader.int("absent", default: 9) == 9)
        try reader.finish()
    }

    @Test func readerRejectsWrongTypes() {
        var reader = ParameterReader(kind: "loss", name: "demo", parameters: ["half": 3.5, "text": "two", "number": 2, "flag": 1])
        #expect(Self.registryError { _ = try reader.int("half", default: 0) }
                == .wrongType(kind: "loss", name: "demo", parameter: "half", expected: "an integer"))
        #expect(Self.registryError { _ = try reader.float("text", default: 0) }
                == .wrongType(kind: "loss", name: "demo", parameter: "text", expected: "a number"))
        #expect(Self.registryError { _ = try reader.string("number", default: "") }
                == .wrongType(kind: "loss", name: "demo", parameter: "number", expected: "a string"))
        #expect(Self.registryError { _ = try reader.bool("flag", default: false) } != nil)
        #expect(Self.registryError { _ = try reader.spec("number", default: "x") } != nil)
    }

    @Test func finishNamesTheUnreadParameterAndTheKnownOnes() throws {
        var reader = ParameterReader(kind: "loss", name: "demo", parameters: ["margn": 0.1, "margin": 0.2])
        _ = try reader.float("margin", default: 0)
        _ = try reader.bool("softMargin", default: false)
        let error = Self.registryError { try reader.finish() }
        #expect(error == .unknownParameter(kind: "loss", name: "demo", parameter: "margn", known: ["margin", "softMargin"]))
        #expect(error?.description == "loss 'demo' has no parameter 'margn' (it reads: margin, softMargin)")
    }

    // MARK: ComponentRegistry

    @Test func registryListsLooksUpAndRejectsUnknownNames() throws {
        let registry = ComponentRegistry<Int>(kind: "widget")
        registry.register("b-widget", summary: "twice n") { reader, _ in 2 * (try reader.int("n", default: 1)) }
        registry.register("a-widget", summary: "classes") { reader, context in try context.require(.numClasses, for: reader) }
        #expect(registry.names == ["a-widget", "b-widget"])
        #expect(registry.contains("b-widget") && !registry.contains("c-widget"))
        #expect(registry.summary(of: "b-widget") == "twice n")
        #expect(try registry.make(ComponentSpec(name: "b-widget", parameters: ["n": 4])) == 8)
        #expect(try registry.make("a-widget", context: RegistryContext(numClasses: 5)) == 5)

        let unknown = Self.registryError { _ = try registry.make("c-widget") }
        #expect(unknown == .unknownName(kind: "widget", name: "c-widget", known: ["a-widget", "b-widget"]))
        #expect(unknown?.description == "unknown widget 'c-widget'; known widget names: a-widget, b-widget")
        let missing = Self.registryError { _ = try registry.make("a-widget") }
        #expect(missing == .missingContext(kind: "widget", name: "a-widget", what: "numClasses"))
        #expect(missing?.description.contains("numClasses") == true)
        let typo = Self.registryError { _ = try registry.make(ComponentSpec(name: "b-widget", parameters: ["m": 4])) }
        #expect(typo == .unknownParameter(kind: "widget", name: "b-widget", parameter: "m", known: ["n"]))
    }

    // MARK: Distances

    let x = Tensor([[0, 0, 1], [3, 4, 0], [1, -2, 2]])
    let y = Tensor([[1, 0, 0], [0, 2, 2]])

    static func sameBehaviour(_ a: any Distance, _ b: any Distance, _ x: Tensor, _ y: Tensor) -> Bool {
        a.isInverted == b.isInverted && a.normalizeEmbeddings == b.normalizeEmbeddings
            && Check.close(a.matrix(x, y).scalars, b.matrix(x, y).scalars, tolerance: 1e-5)
            && Check.close(a.pairwise(x.narrowed(axis: 0, start: 0, length: 2), y).scalars,
                           b.pairwise(x.narrowed(axis: 0, start: 0, length: 2), y).scalars, tolerance: 1e-5)
    }

    @Test func everyRegisteredDistanceBuildsAndApplies() throws {
        let expected: [String: any Distance] = [
            "lp-distance": LpDistance(), "euclidean": LpDistance(normalizeEmbeddings: false),
            "squared-euclidean": LpDistance(power: 2, normalizeEmbeddings: false),
            "manhattan": LpDistance(p: 1, normalizeEmbeddings: false),
            "cosine-similarity": CosineSimilarity(), "cosine": CosineSimilarity(),
            "dot-product-similarity": DotProductSimilarity(),
        ]
        #expect(Distances.registry.names == expected.keys.sorted())
        for name in Distances.registry.names {
            let distance = try Distances.registry.make(ComponentSpec(name: name))
            let matrix = distance.matrix(x, y)
            #expect(matrix.shape == [3, 2], "\(name)")
            let finite = matrix.scalars.allSatisfy { $0.isFinite }
            #expect(finite, "\(name)")
            #expect(Self.sameBehaviour(distance, expected[name]!, x, y), "\(name)")
            #expect(Distances.registry.summary(of: name)?.isEmpty == false)
        }
        // Manhattan really is L1 on the raw rows: |0−1| + |0−0| + |1−0| = 2.
        #expect(try Distances.registry.make("manhattan").matrix(x, y).scalars[0] == 2)
    }

    @Test func distanceSpecsRoundTripThroughJSON() throws {
        let distances: [any Distance] = [
            LpDistance(), LpDistance(p: 1, power: 2, normalizeEmbeddings: false), LpDistance(p: 3, power: 0.5),
            CosineSimilarity(), DotProductSimilarity(), DotProductSimilarity(normalizeEmbeddings: false),
        ]
        for distance in distances {
            let spec = try #require(Distances.specification(of: distance))
            let decoded = try Self.decode(ComponentSpec.self, try Self.encode(spec))
            #expect(decoded == spec)
            let rebuilt = try Distances.registry.make(decoded)
            #expect(type(of: rebuilt) == type(of: distance))
            #expect(Self.sameBehaviour(rebuilt, distance, x, y), "\(spec)")
        }
        #expect(Distances.specification(of: LpDistance()) == "lp-distance")
        #expect(Distances.specification(of: LpDistance(p: 1)) == ComponentSpec(name: "lp-distance", parameters: ["p": 1]))
        struct Chebyshev: Distance {
            var isInverted: Bool { false }
            var normalizeEmbeddings: Bool { false }
            func computeMatrix(_ q: Tensor, _ r: Tensor) -> Tensor { matmul(q, r.transposed()) }
            func computePairwise(_ a: Tensor, _ b: Tensor) -> Tensor { (a * b).sum(axis: -1) }
        }
        #expect(Distances.specification(of: Chebyshev()) == nil)
    }

    @Test func distanceParametersAreChecked() {
        let lowP = Self.registryError { _ = try Distances.registry.make(ComponentSpec(name: "lp-distance", parameters: ["p": 0.5])) }
        #expect(lowP == .invalidValue(kind: "distance", name: "lp-distance", parameter: "p", reason: "p is 0.5; it must be a finite number ≥ 1"))
        let text = Self.registryError { _ = try Distances.registry.make(ComponentSpec(name: "lp-distance", parameters: ["p": "two"])) }
        #expect(text?.description == "distance 'lp-distance': parameter 'p' must be a number")
        let typo = Self.registryError { _ = try Distances.registry.make(ComponentSpec(name: "lp-distance", parameters: ["q": 1])) }
        #expect(typo?.description == "distance 'lp-distance' has no parameter 'q' (it reads: normalizeEmbeddings, p, power)")
        let fixed = Self.registryError { _ = try Distances.registry.make(ComponentSpec(name: "cosine", parameters: ["normalizeEmbeddings": false])) }
        #expect(fixed?.description == "distance 'cosine' has no parameter 'normalizeEmbeddings' (it takes no parameters)")
        let unknown = Self.registryError { _ = try Distances.registry.make("chebyshev") }
        #expect(unknown?.description.hasPrefix("unknown distance 'chebyshev'; known distance names: cosine, cosine-similarity,") == true)
        for error in [lowP, text, typo, fixed, unknown] { #expect(error?.description.contains("\n") == false) }
    }
}
