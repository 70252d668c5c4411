import Testing
import SoakKit

struct SoakVersionTests {
    @Test("the version is a dotted triple")
    func versionShape() {
        #expect(SoakVersion.current.split(separator: ".").count == 3)
    }
}
