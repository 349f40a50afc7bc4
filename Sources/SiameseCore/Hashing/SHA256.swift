import CSiameseKernels
import Foundation

/// SHA-256 (FIPS 180-4) of bytes, as lowercase hex: the content hash of model folders and galleries.
///
/// ```swift
/// SHA256.hex(of: Data("abc".utf8))   // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
/// Incremental: ``update(_:)`` any number of times, then ``finalize()``.
public struct SHA256: Sendable {
    private var state: [UInt32] = [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19]
    private var pending: [UInt8] = []
    private var length: UInt64 = 0


    public init() {}

    /// The hex digest of `data`.
    public static func hex(of data: Data) -> String {
        var h = SHA256()
        h.update(data)
        return h.finalize()
    }

    /// Adds bytes to the message.
    public mutating func update(_ data: Data) {
        length &+= UInt64(data.count)
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            if !pending.isEmpty {
                let take = Swift.min(64 - pending.count, bytes.count)
                pending.append(contentsOf: bytes[0..<take])
                start = take
                if pending.count == 64 {
                    pending.withUnsafeBufferPointer { compress($0.baseAddress!) }
                    pending.removeAll(keepingCapacity: true)
                }
            }
            let whole = (bytes.count - start) / 64
            if whole > 0 {
                compress(bytes.baseAddress! + start, blocks: whole)
                start += whole * 64
            }
            if start < bytes.count { pending.append(contentsOf: bytes[start...]) }
        }
    }

    /// Pads the message and returns the digest as 64 lowercase hex digits.
    public mutating func finalize() -> String {
        let bits = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        tail.withUnsafeBufferPointer { buffer in
            compress(buffer.baseAddress!, blocks: buffer.count / 64)
        }
        pending.removeAll()
        return state.map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }

    private mutating func compress(_ block: UnsafePointer<UInt8>, blocks: Int = 1) {
        state.withUnsafeMutableBufferPointer { sk_sha256_blocks($0.baseAddress!, block, blocks) }
    }
}
