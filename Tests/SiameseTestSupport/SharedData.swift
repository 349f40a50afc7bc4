import Foundation
import Testing

/// The large data sets in the `shared/` folder beside the checkout (`../shared/datasets`), which CI has and a fresh
/// clone may not. Tests that read them carry ``Testing/Trait/needsSharedDatasets(_:)`` and are skipped, with the
/// reason printed, where the folder is missing.
public enum SharedData {
    /// `<checkout>/../shared`, found from this file's path (`<checkout>/Tests/SiameseTestSupport/SharedData.swift`).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)

    /// `../shared/datasets`.
    public static let datasetsFolder = root.appendingPathComponent("datasets", isDirectory: true)

    /// Whether `../shared/datasets` exists.
    public static let datasetsAvailable = isDirectory(datasetsFolder)

    /// The data set `name` (`"mnist"`, `"omniglot"`, `"att-faces"`, `"stsbenchmark"`) or a path below it.
    public static func datasets(_ name: String) -> URL {
        datasetsFolder.appendingPathComponent(name)
    }

    /// Whether every named data set (a folder or file below `../shared/datasets`) is present.
    public static func available(_ names: [String]) -> Bool {
        names.allSatisfy { FileManager.default.fileExists(atPath: datasets($0).path) }
    }

    /// Why a test that needs `names` is skipped: "needs ../shared/datasets (mnist), not found at …".
    public static func skipReason(_ names: [String]) -> String {
        "needs ../shared/datasets (\(names.joined(separator: ", "))), not found at \(datasetsFolder.path)"
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where the named data sets exist in `../shared/datasets`; elsewhere Swift Testing reports
    /// it skipped with ``SharedData/skipReason(_:)``.
    ///
    /// ```swift
    /// @Test(.needsSharedDatasets("att-faces")) func imageFolderOnATTFaces() throws { … }
    /// ```
    public static func needsSharedDatasets(_ names: String...) -> Self {
        .enabled(if: SharedData.available(names), Comment(rawValue: SharedData.skipReason(names)))
    }
}
