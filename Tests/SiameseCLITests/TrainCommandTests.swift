import Foundation
import Testing
import SiameseTestSupport

/// `siamese train` end to end on small, fast recipes (an MLP on the bundled MNIST digits).
@Suite(.serialized) struct TrainCommandTests {
    static func temporary(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("siamese-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A quick recipe: MLP encoder, contrastive pairs, images of every digit held out.
    static let yaml = """
        # MNIST digits, a small MLP, contrastive pairs
        data: mnist
        encoder: {kind: mlp, hidden: [64], embeddingSize: 16}
        loss: contrastive
        split: images
        validationFraction: 0.2
        epochs: 2
        stepsPerEpoch: 6
        batchSize: 64
        warmupSteps: 2
        ways: 10
        evaluationPairs: 400
        augment: false
        seed: 7
        """

    @Test func yamlRecipeTrainsAndWritesItsRunFolder() throws {
        let dir = try Self.temporary("train")
        defer { try? FileManager.default.removeItem(at: dir) }
        let recipe = dir.appendingPathComponent("recipe.yaml")
        try Self.yaml.write(to: recipe, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        let r = try runSiamese(["train", "--recipe", recipe.path, "--output", run.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try Self.json(r.stdout)
        // Twelve steps of 64 pairs already separate digits far better than chance.
        #expect((metrics["validationROCAUC"] as? Double ?? 0) > 0.75)
        #expect(metrics["oneShotWays"] as? Int == 10)
        #expect(metrics["oneShotAccuracy"] == nil)  // official Omniglot trials only for Omniglot
        #expect((metrics["history"] as? [Any])?.count == 2)
        for file in ["config.json", "preprocessing.json", "metrics.json", "log.txt", "checkpoint/model.safetensors",
                     "last/model.safetensors", "last/optimizer.safetensors", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) missing")
        }
        #expect(r.stderr.contains("pairs/s"))
        // The resolved recipe keeps the file's values and fills in the rest.
        let config = try Self.json(String(decoding: try Data(contentsOf: run.appendingPathComponent("config.json")), as: UTF8.self))
        #expect(config["stepsPerEpoch"] as? Int == 6 && config["optimizer"] as? String == "adam")
        #expect((config["encoder"] as? [String: Any])?["embeddingSize"] as? Int == 16)

        // evaluate re-measures the same held-out data and finds the same numbers.
        let again = try runSiamese(["evaluate", "--run", run.path, "--json", "--no-report"])
        #expect(again.status == 0, "\(again.stderr)")
        let remeasured = try Self.json(again.stdout)
        #expect(remeasured["validationROCAUC"] as? Double == metrics["validationROCAUC"] as? Double)
        #expect(remeasured["validationOneShot"] as? Double == metrics["validationOneShot"] as? Double)
        let retrieval = try #require(metrics["retrieval"] as? [String: Double])
        #expect(remeasured["retrieval"] as? [String: Double] == retrieval)
        #expect(retrieval["meanAveragePrecisionAtR"] != nil && retrieval["nmi"] != nil)

        // compare uses the run's calibrated threshold.
        try CompareAndEmbedTests.digit(0, to: dir.appendingPathComponent("a.pgm"))
        try CompareAndEmbedTests.digit(17, to: dir.appendingPathComponent("b.pgm"))
        let compared = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path,
                                       "--run", run.path, "--json"])
        #expect(compared.status == 0, "\(compared.stderr)")
        #expect(try Self.json(compared.stdout)["threshold"] as? Double == metrics["threshold"] as? Double)

        // The run's model folder works on its own (--model), with the same threshold.
        let viaModel = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path,
                                       "--model", run.appendingPathComponent("model").path, "--json"])
        #expect(viaModel.stdout == compared.stdout, "\(viaModel.stderr)")

        // A model folder whose encoder no longer matches its weights is refused in one line naming the file.
        let encoderConfig = run.appendingPathComponent("model/config.json")
        let original = try String(contentsOf: encoderConfig, encoding: .utf8)
        try original.replacingOccurrences(of: #""kind" : "mlp""#, with: #""kind" : "conv4""#).write(to: encoderConfig, atomically: true, encoding: .utf8)
        let broken = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path,
                                     "--run", run.path])
        #expect(broken.status != 0 && broken.stderr.contains("model.safetensors") && !broken.stderr.contains("Usage"), "\(broken.stderr)")

        // Runs written before model folders existed load from their checkpoint; a damaged one is refused in one line.
        try FileManager.default.removeItem(at: run.appendingPathComponent("model"))
        let legacy = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path,
                                     "--run", run.path, "--json"])
        #expect(legacy.status == 0, "\(legacy.stderr)")
        let legacyDistance = try Self.json(legacy.stdout)["distance"] as? Double, runDistance = try Self.json(compared.stdout)["distance"] as? Double
        #expect(legacyDistance == runDistance)
        let info = run.appendingPathComponent("checkpoint/checkpoint.json")
        let text = try String(contentsOf: info, encoding: .utf8)
        #expect(text.contains(#"\"kind\":\"mlp\""#))
        try text.replacingOccurrences(of: #"\"kind\":\"mlp\""#, with: #"\"kind\":\"conv4\""#)
            .write(to: info, atomically: true, encoding: .utf8)
        let mismatched = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path,
                                         "--run", run.path])
        #expect(mismatched.status != 0)
        #expect(mismatched.stderr.contains("incompatible or damaged checkpoint"), "\(mismatched.stderr)")
        #expect(!mismatched.stderr.contains("Usage"))
    }

    /// Koch et al.'s learned head is saved in the run's model folder; `evaluate` and `compare` go through it: the same
    /// numbers as the run, and a comparison score that is the head's probability (a similarity in (0, 1)).
    @Test func learnedHeadRunComparesThroughTheHead() throws {
        let dir = try Self.temporary("koch-head")
        defer { try? FileManager.default.removeItem(at: dir) }
        let recipe = dir.appendingPathComponent("recipe.yaml")
        try Self.yaml.replacingOccurrences(of: "loss: contrastive", with: "loss: koch").write(to: recipe, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        let r = try runSiamese(["train", "--recipe", recipe.path, "--output", run.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try Self.json(r.stdout)
        let modules = String(decoding: try Data(contentsOf: run.appendingPathComponent("model/modules.json")), as: UTF8.self)
        #expect(modules.contains("SiameseKit.ComparisonHead"), "\(modules)")
        let again = try runSiamese(["evaluate", "--run", run.path, "--json", "--no-report"])
        #expect(again.status == 0, "\(again.stderr)")
        let remeasured = try Self.json(again.stdout)
        #expect(remeasured["validationROCAUC"] as? Double == metrics["validationROCAUC"] as? Double)
        #expect(remeasured["validationOneShot"] as? Double == metrics["validationOneShot"] as? Double)
        try CompareAndEmbedTests.digit(0, to: dir.appendingPathComponent("a.pgm"))
        try CompareAndEmbedTests.digit(17, to: dir.appendingPathComponent("b.pgm"))
        let compared = try runSiamese(["compare", dir.appendingPathComponent("a.pgm").path, dir.appendingPathComponent("b.pgm").path,
                                       "--run", run.path, "--json"])
        #expect(compared.status == 0, "\(compared.stderr)")
        let result = try Self.json(compared.stdout)
        let score = try #require(result["distance"] as? Double)
        #expect(result["greaterIsCloser"] as? Bool == true && score > 0 && score < 1 && result["similarity"] as? Double == score)
        #expect(result["threshold"] as? Double == metrics["threshold"] as? Double)
    }

    @Test func pausedAndResumedRunEqualsAnUninterruptedOne() throws {
        let dir = try Self.temporary("resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        let recipe = dir.appendingPathComponent("recipe.yaml")
        try Self.yaml.write(to: recipe, atomically: true, encoding: .utf8)
        let straight = dir.appendingPathComponent("straight"), paused = dir.appendingPathComponent("paused")
        #expect(try runSiamese(["train", "--recipe", recipe.path, "--output", straight.path, "--quiet", "--no-report"]).status == 0)
        let first = try runSiamese(["train", "--recipe", recipe.path, "--output", paused.path, "--pause-after", "1", "--quiet", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        // A paused run is not finished: no report yet.
        #expect(!FileManager.default.fileExists(atPath: paused.appendingPathComponent("report.html").path))
        #expect((try Self.json(first.stdout)["history"] as? [Any])?.count == 1)
        let resumed = try runSiamese(["train", "--resume", paused.path, "--quiet", "--no-report"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        for file in ["checkpoint/model.safetensors", "last/model.safetensors", "last/optimizer.safetensors"] {
            let a = try Data(contentsOf: straight.appendingPathComponent(file)), b = try Data(contentsOf: paused.appendingPathComponent(file))
            #expect(a == b, "\(file) differs after resuming")
        }
        let log = try String(contentsOf: paused.appendingPathComponent("log.txt"), encoding: .utf8)
        #expect(log.contains("epoch 1:") && log.contains("resumed after epoch 1") && log.contains("epoch 2:"))
    }

    @Test func flagsOverrideTheRecipeAndJSONRecipesWork() throws {
        let dir = try Self.temporary("flags")
        defer { try? FileManager.default.removeItem(at: dir) }
        let recipe = dir.appendingPathComponent("recipe.json")
        try Data(#"{"data": "mnist", "encoder": "mlp", "loss": "triplet", "split": "images", "epochs": 5, "ways": 10, "augment": false}"#.utf8)
            .write(to: recipe)
        let run = dir.appendingPathComponent("run")
        let r = try runSiamese(["train", "--recipe", recipe.path, "--epochs", "1", "--steps-per-epoch", "3", "--batch-size", "32",
                                "--evaluation-pairs", "100", "--output", run.path, "--quiet", "--json", "--no-report"])
        #expect(r.status == 0, "\(r.stderr)")
        let config = try Self.json(String(decoding: try Data(contentsOf: run.appendingPathComponent("config.json")), as: UTF8.self))
        #expect(config["epochs"] as? Int == 1 && config["loss"] as? String == "triplet" && config["batchSize"] as? Int == 32)
    }

    @Test func badRecipesAndOptionsGiveOneLineErrors() throws {
        let dir = try Self.temporary("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        func fails(_ arguments: [String], saying words: String) throws {
            let r = try runSiamese(arguments)
            #expect(r.status != 0, "\(arguments) succeeded")
            #expect(r.stderr.contains(words), "\(arguments): \(r.stderr)")
        }
        try fails(["train", "--recipe", try write("typo.yaml", "data: mnist\nlearningrate: 0.1\n")], saying: "unknown key 'learningrate'")
        try fails(["train", "--recipe", try write("broken.yaml", "data: [mnist\n")], saying: "broken.yaml")
        try fails(["train", "--recipe", try write("broken.json", "{\"epochs\": ")], saying: "broken.json")
        try fails(["train", "--recipe", try write("type.json", #"{"epochs": "many"}"#)], saying: "epochs")
        try fails(["train", "--recipe", try write("loss.json", #"{"loss": "hinge"}"#)], saying: "loss")
        try fails(["train", "--recipe", dir.appendingPathComponent("missing.yaml").path], saying: "cannot read recipe")
        try fails(["train", "--data", dir.appendingPathComponent("nowhere").path, "--output", dir.appendingPathComponent("run-nowhere").path],
                  saying: "no such folder")
        try fails(["train", "--encoder", "tutorial-cnn", "--input-side", "32"], saying: "28×28")
        try fails(["train", "--encoder", "resnet"], saying: "resnet")
        try fails(["train", "--epochs", "0"], saying: "epochs must be positive")
        try fails(["train", "--validation-fraction", "0", "--dry-run"], saying: "validationFraction 0 (no validation part) needs keep: last")
        try fails(["train", "--keep", "last", "--validation-fraction", "0", "--dry-run"], saying: "set testFraction or testData")
        try fails(["train", "--keep", "latest", "--dry-run"], saying: "keep")
        try fails(["train", "--resume", dir.path], saying: "no last/ checkpoint")
        try fails(["train", "--resume", dir.path, "--learning-rate", "0.1"], saying: "--learning-rate cannot be combined with --resume")
        // An empty class folder is named.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("faces/alice"), withIntermediateDirectories: true)
        try fails(["train", "--data", dir.appendingPathComponent("faces").path, "--output", dir.appendingPathComponent("run-alice").path],
                  saying: "alice")
    }

    /// A newcomer's first run: a folder of 6 classes with the default batch (64 classes × 4) and held-out split (every
    /// tenth class). Both adapt to the data, say what they chose, and the run trains.
    @Test func defaultsAdaptToASmallFolderAndSaySo() throws {
        let dir = try Self.temporary("classes")
        defer { try? FileManager.default.removeItem(at: dir) }
        for c in 0..<6 {
            let folder = dir.appendingPathComponent("data/person\(c)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<5 {
                var pgm = Data("P5\n8 8\n255\n".utf8)
                pgm.append(contentsOf: (0..<64).map { UInt8(($0 * (c + 3) + i * 7) % 256) })
                try pgm.write(to: folder.appendingPathComponent("\(i).pgm"))
            }
        }
        let run = dir.appendingPathComponent("run")
        let r = try runSiamese(["train", "--data", dir.appendingPathComponent("data").path, "--encoder", "mlp", "--input-side", "8",
                                "--epochs", "1", "--steps-per-epoch", "2", "--evaluation-pairs", "40", "--output", run.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("note: held out 2 of 6 classes"), "\(r.stderr)")
        #expect(r.stderr.contains("classes per batch") && r.stderr.contains("batchSize 16"), "\(r.stderr)")
        #expect(r.stderr.contains("2-way"), "\(r.stderr)")
        #expect(try Self.json(r.stdout)["oneShotWays"] as? Int == 2)
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("model/modules.json").path))
    }

    @Test(.needsSharedDatasets("att-faces")) func imageFolderDataWithHeldOutClasses() throws {
        // AT&T faces: 40 people × 10 PGM portraits; every fifth person is held out.
        let faces = SharedData.datasets("att-faces")
        let dir = try Self.temporary("faces")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        let r = try runSiamese(["train", "--data", faces.path, "--encoder", "conv4", "--width", "8", "--input-side", "32",
                                "--validation-fraction", "0.2", "--ways", "5", "--epochs", "1", "--steps-per-epoch", "2",
                                "--batch-size", "32", "--evaluation-pairs", "100", "--output", run.path, "--quiet", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try Self.json(r.stdout)
        #expect(metrics["oneShotWays"] as? Int == 5)
        let log = try String(contentsOf: run.appendingPathComponent("log.txt"), encoding: .utf8)
        #expect(log.contains("320 training images of 32 classes, 80 held out (8 classes)"))
    }

    @Test func shippedRecipesParse() throws {
        let recipes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("recipes")
        // Every recipe file, including those in sub-folders (recipes/fewshot).
        let files = (FileManager.default.subpaths(atPath: recipes.path) ?? [])
            .filter { [".yaml", ".yml", ".json"].contains(where: $0.hasSuffix) }.sorted()
        #expect(files.count >= 3)
        for file in files {
            let r = try runSiamese(["train", "--recipe", recipes.appendingPathComponent(file).path, "--dry-run"])
            #expect(r.status == 0, "\(file): \(r.stderr)")
            let resolved = try Self.json(r.stdout)
            if resolved["kind"] as? String == "text" {
                #expect(resolved["train"] is String && (resolved["model"] is String || resolved["scratch"] is [String: Any]
                         || resolved["recurrent"] is [String: Any]), "\(file)")
            } else {
                #expect(resolved["data"] is String && resolved["encoder"] is [String: Any], "\(file)")
            }
        }
        let omniglot = try Self.json(try runSiamese(["train", "--recipe", recipes.appendingPathComponent("omniglot-conv4.yaml").path,
                                                     "--epochs", "3", "--dry-run"]).stdout)
        #expect(omniglot["epochs"] as? Int == 3 && omniglot["rotationClasses"] as? Bool == true)
    }

    @Test func colourImagesTrainAnRGBEncoder() throws {
        // Four classes of 16×16 binary PPM images, each a noisy shade of its own colour.
        let dir = try Self.temporary("colour")
        defer { try? FileManager.default.removeItem(at: dir) }
        let shades: [[UInt8]] = [[220, 30, 30], [30, 200, 40], [40, 50, 230], [210, 200, 40]]
        var state: UInt32 = 12345
        for (k, shade) in shades.enumerated() {
            let folder = dir.appendingPathComponent("images/class\(k)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<6 {
                var ppm = Data("P6\n16 16\n255\n".utf8)
                for _ in 0..<(16 * 16) {
                    for c in shade {
                        state = state &* 1_103_515_245 &+ 12345
                        ppm.append(UInt8(clamping: Int(c) + Int(state >> 27) - 16))
                    }
                }
                try ppm.write(to: folder.appendingPathComponent("\(i).ppm"))
            }
        }
        let run = dir.appendingPathComponent("run")
        let r = try runSiamese(["train", "--data", dir.appendingPathComponent("images").path, "--color", "--encoder", "conv4",
                                "--width", "4", "--blocks", "2", "--input-side", "16", "--split", "images",
                                "--validation-fraction", "0.34", "--ways", "4", "--epochs", "1", "--steps-per-epoch", "2",
                                "--batch-size", "16", "--evaluation-pairs", "40", "--output", run.path, "--quiet", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let recipe = try Self.json(String(decoding: try Data(contentsOf: run.appendingPathComponent("preprocessing.json")), as: UTF8.self))
        #expect(recipe["channels"] as? Int == 3)
        let config = try Self.json(String(decoding: try Data(contentsOf: run.appendingPathComponent("config.json")), as: UTF8.self))
        #expect((config["encoder"] as? [String: Any])?["inputChannels"] as? Int == 3 && config["color"] as? Bool == true)
        let a = dir.appendingPathComponent("images/class0/0.ppm").path, b = dir.appendingPathComponent("images/class2/0.ppm").path
        let compared = try runSiamese(["compare", a, b, "--run", run.path, "--json"])
        #expect(compared.status == 0, "\(compared.stderr)")
        let grey = try runSiamese(["train", "--data", "omniglot", "--color", "--dry-run"])
        #expect(grey.status != 0 && grey.stderr.contains("grey"))
    }
}
