import ArgumentParser
import SiameseCommandLine

/// `siamese-demo`: the `siamese demo` command as a program of its own. It links only the training and report floors,
/// not the HTTP service and PostgreSQL gallery that `siamese` carries, so a first build (what `bash scripts/demo.sh`
/// runs) compiles about a quarter of what `siamese` needs (BoringSSL, SwiftNIO, Hummingbird and postgres-nio are
/// left out).
@main
struct SiameseDemoProgram: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "siamese-demo",
        abstract: DemoCommand.configuration.abstract,
        discussion: DemoCommand.configuration.discussion + "\n\nThe same as `siamese demo`, built without the HTTP service."
    )

    @OptionGroup var demo: DemoCommand

    func run() throws { try demo.run() }
}
