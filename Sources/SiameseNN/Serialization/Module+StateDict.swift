import Foundation
import SiameseCore

extension Module {
    /// Float state by PyTorch-style name: every parameter and every non-integer buffer.
    public func stateDict() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, p) in namedParameters() { out[name] = p.value.detached() }
        for (name, b) in namedBuffers() where !b.isInteger { out[name] = b.value }
        return out
    }

    /// Integer buffers (such as `num_batches_tracked`) by name.
    public func integerStateDict() -> [String: IntTensor] {
        var out: [String: IntTensor] = [:]
        for (name, b) in namedBuffers() where b.isInteger {
            out[name] = IntTensor(b.value.scalars.map { Int($0) }, shape: b.value.shape)
        }
        return out
    }

    /// Writes every parameter and buffer to a safetensors file, atomically, with PyTorch key names.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.write(floats: stateDict(), integers: integerStateDict(), metadata: metadata, to: url)
    }

    /// Loads parameters and buffers from a parsed safetensors file (any float or integer dtype it holds).
    ///
    /// - Parameters:
    ///   - strict: when `true`, every parameter and buffer must be present.
    ///   - prefix: prepended to this module's names when looking them up (e.g. `"encoder."`).
    /// - Returns: the file's tensor names that matched nothing in this module.
    /// - Throws: ``SafetensorsError/missingTensor(path:tensor:)``, ``SafetensorsError/shapeMismatch(path:tensor:expected:actual:)``
    ///   or ``SafetensorsError/nonFiniteValue(path:tensor:index:)`` (NaN or infinite weights are refused).
    @discardableResult
    public func load(_ file: Safetensors.File, path: String, strict: Bool = true, prefix: String = "") throws -> [String] {
        var used = Set<String>()
        for (name, p) in namedParameters() {
            guard let entry = file.tensors[prefix + name] else {
                if strict { throw SafetensorsError.missingTensor(path: path, tensor: prefix + name) }
                continue
            }
            guard entry.shape == p.shape else {
                throw SafetensorsError.shapeMismatch(path: path, tensor: prefix + name, expected: p.shape, actual: entry.shape)
            }
            p.update(try Self.finite(entry, path: path, tensor: prefix + name))
            used.insert(prefix + name)
        }
        for (name, b) in namedBuffers() {
            guard let entry = file.tensors[prefix + name] else {
                if strict { throw SafetensorsError.missingTensor(path: path, tensor: prefix + name) }
                continue
            }
            guard entry.shape == b.value.shape else {
                throw SafetensorsError.shapeMismatch(path: path, tensor: prefix + name, expected: b.value.shape, actual: entry.shape)
            }
            b.value = try Self.finite(entry, path: path, tensor: prefix + name)
            used.insert(prefix + name)
        }
        return file.tensors.keys.filter { !used.contains($0) }.sorted()
    }

    /// The entry as a tensor, refusing NaN and infinite values (a diverged or damaged model must not load silently).
    static func finite(_ entry: Safetensors.Entry, path: String, tensor name: String) throws -> Tensor {
        let t = entry.tensor()
        if let i = t.scalars.firstIndex(where: { !$0.isFinite }) {
            throw SafetensorsError.nonFiniteValue(path: path, tensor: name, index: i)
        }
        return t
    }

    /// Reads a safetensors file and loads it; see ``load(_:path:strict:prefix:)``.
    @discardableResult
    public func load(from url: URL, strict: Bool = true, prefix: String = "") throws -> [String] {
        try load(Safetensors.read(url), path: url.path, strict: strict, prefix: prefix)
    }
}
