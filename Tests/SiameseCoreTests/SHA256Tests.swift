import Foundation
import Testing
@testable import SiameseCore

@Suite struct SHA256Tests {
    /// FIPS 180-4 examples, and messages around the 55/56/64-byte padding edges checked against `sha256sum`.
    @Test func knownDigests() {
        #expect(SHA256.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Reference digests from Python's hashlib for bytes (i·31 + 7) mod 256.
        let expected = [55: "8aa994584139d128848eeebc4e815639ba5ab6e6e39574195a63ac4f14f7c43b",
                        56: "ad574708f75c044c9b85de64cb568ee7711ff4f36448c6242f053ba8f6cc2b63",
                        64: "c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd",
                        119: "3d610547d68216dedf7435a4fb6260353911f6b3fd3f18805ddb8be285d726fe",
                        1000: "5097e7d587352f5097062ae679f37bda5802d9f875aba14c8cb4d1a188ada179"]
        for (n, digest) in expected {
            #expect(SHA256.hex(of: Data((0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })) == digest)
        }
    }

    @Test func incrementalEqualsOneShot() {
        let bytes = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        for split in [0, 1, 55, 56, 63, 64, 65, 500, 999, 1000] {
            var h = SHA256()
            h.update(bytes.prefix(split))
            h.update(bytes.suffix(from: split))
            #expect(h.finalize() == SHA256.hex(of: bytes))
        }
    }
}
