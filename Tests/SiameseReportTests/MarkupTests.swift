import Testing
@testable import SiameseReport

@Suite struct MarkupTests {
    @Test func escapesMarkupCharacters() {
        #expect(Markup.escape("<script>alert('x') & \"y\"</script>") == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
    }

    @Test func keepsTextAndReplacesControlCharacters() {
        #expect(Markup.escape("Ωmega 字 ≤ 0.5") == "Ωmega 字 ≤ 0.5")
        #expect(Markup.escape("a\u{0}b\u{7}c\nd") == "a b c\nd")
    }

    @Test func formatsValues() {
        #expect(Markup.value(3) == "3")
        #expect(Markup.value(0.123456) == "0.1235")
        #expect(Markup.value(.nan) == "–")
        #expect(Markup.percent(0.1234) == "12.3 %")
    }
}
