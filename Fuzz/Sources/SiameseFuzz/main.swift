import CFuzzerDriver
import Foundation

// `siamese-fuzz TARGET [libFuzzer options] [corpus folders or input files]`: libFuzzer on one of SiameseKit's parsers.
// The harness only treats a thrown error as a good outcome; a trap, an address-sanitizer report, a leak of the
// process's memory limit or a hang is a finding, and libFuzzer writes the input that caused it.

let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTargets.all[arguments[1]] else {
    let names = FuzzTargets.all.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: siamese-fuzz TARGET [libFuzzer options] [corpus…]\ntargets: \(names)\n".utf8))
    exit(2)
}
FuzzTargets.selected = target
target.prepare()

// libFuzzer reads argv[0] and its own options: drop the target's name.
var argc = CommandLine.argc - 1
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
argv![1] = argv![0]
argv = argv! + 1
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    FuzzTargets.selected!.run(Data(bytes: data!, count: size))
    return 0
})
