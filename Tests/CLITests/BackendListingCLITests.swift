import Foundation
import TestSupport
import Testing

/// Listing the backends costs nothing a run does not use: a folder without a traced file says so before the libtorch
/// plug-in is looked for (loading it takes half a second and 200 MB).
@Suite struct BackendListingCLITests {
    @Test func torchscriptWithoutAFileNeverLooksForThePlugin() throws {
        let folder = try Fixtures.temporaryDirectory()
        let data = folder.appendingPathComponent("data.txt").path
        try "the cat\nthe dog sat\n".write(toFile: data, atomically: true, encoding: .utf8)
        let run = try CLITests.run(
            [
                "bench", "--model", CLITests.tiny, "--data", data, "--out", folder.appendingPathComponent("out").path,
                "--backends", "torchscript", "--quiet",
            ],
            environment: ["BERTKIT_TORCH_PLUGIN": folder.appendingPathComponent("missing/libBertKitTorch.so").path])
        CLITests.expectFailure(run, "backend 'torchscript' is not available: no TorchScript file found")
        #expect(!run.stderr.contains("libBertKitTorch"), "\(run.stderr)")
    }
}
