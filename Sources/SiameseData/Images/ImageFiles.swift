import Foundation

/// Image files named the way a command line names them: files and folders, expanded recursively.
///
/// ``collect(_:)`` turns inputs into a list of image files in a stable order; ``decode(_:mode:strict:maximumPixels:)``
/// decodes such a list, setting aside the files that cannot be decoded (or, with `strict`, stopping at the first).
public enum ImageFiles {
    /// The extensions taken from folders (compared without regard to case).
    public static let extensions: Set<String> = ["png", "jpg", "jpeg", "pgm", "ppm", "pnm"]

    /// Images decoded by ``ImageFiles/decode(_:mode:strict:maximumPixels:)``, and the files set aside.
    public struct Decoded: Sendable {
        /// The decoded images with their files, in the order the files were given.
        public let images: [(url: URL, image: Image)]
        /// The files that could not be decoded, in order, each with the reason (without the path).
        public let skipped: [(url: URL, reason: String)]
    }

    /// Expands files and folders into image files.
    ///
    /// Inputs keep their order. A file named directly is kept whatever its name (the decoder recognises the
    /// format from the content). A folder contributes its image files (by ``extensions``) sorted by name, then
    /// each sub-folder in name order, recursively, so class folders (`root/<class>/<file>`) come out grouped
    /// and sorted. Inside folders, hidden entries (names starting with ".") are skipped; a folder reached twice
    /// through symbolic links is read once.
    ///
    /// - Throws: ``DataError/unreadable(path:reason:)`` naming an input that does not exist, or a folder that
    ///   cannot be listed.
    public static func collect(_ inputs: [URL]) throws -> [URL] {
        let fm = FileManager.default
        var files: [URL] = []
        var visited: Set<String> = []

        func walk(_ folder: URL) throws {
            guard visited.insert(folder.resolvingSymlinksInPath().path).inserted else { return }
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: folder.path) } catch {
                throw DataError.unreadable(path: folder.path, reason: "cannot list the folder")
            }
            var folders: [URL] = []
            for name in names.sorted() where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                var isFolder: ObjCBool = false
                guard fm.fileExists(atPath: url.path, isDirectory: &isFolder) else { continue }  // a dangling link
                if isFolder.boolValue {
                    folders.append(url)
                } else if extensions.contains((name as NSString).pathExtension.lowercased()) {
                    files.append(url)
                }
            }
            for sub in folders { try walk(sub) }
        }

        for input in inputs {
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: input.path, isDirectory: &isFolder) else {
                throw DataError.unreadable(path: input.path, reason: "no such file or folder")
            }
            if isFolder.boolValue { try walk(input) } else { files.append(input) }
        }
        return files
    }

    /// Decodes image files, setting aside the ones that fail.
    ///
    /// - Parameters:
    ///   - files: the files, typically from ``collect(_:)``.
    ///   - mode: the colour layout to decode into.
    ///   - strict: stop at the first file that fails, throwing its error, instead of skipping it.
    ///   - maximumPixels: the largest width × height accepted (default: ``ImageDecoder/maximumPixels``).
    /// - Returns: the decoded images and the skipped files with their reasons, both in the order given.
    /// - Throws: only when `strict`: the first file's ``DataError``.
    public static func decode(
        _ files: [URL], mode: ColorMode, strict: Bool = false, maximumPixels: Int = ImageDecoder.maximumPixels
    ) throws -> Decoded {
        var images: [(url: URL, image: Image)] = []
        var skipped: [(url: URL, reason: String)] = []
        for url in files {
            do {
                images.append((url, try ImageDecoder.decode(contentsOf: url, mode: mode, maximumPixels: maximumPixels)))
            } catch {
                if strict { throw error }
                // DataError descriptions start with the path; the URL already names it.
                let text = "\(error)", prefix = url.path + ": "
                skipped.append((url, text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text))
            }
        }
        return Decoded(images: images, skipped: skipped)
    }
}
