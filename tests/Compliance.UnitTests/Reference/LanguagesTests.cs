using Compliance.Domain.Reference;

namespace Compliance.UnitTests.Reference;

public class LanguagesTests
{
    [Fact]
    public void Supported_IsTheFirstSetOfDnh11InOrder() =>
        Assert.Equal(["en", "ms", "id", "ne", "bn", "my", "km", "vi"], Languages.Supported);

    [Fact]
    public void NativeNames_NameEverySupportedLanguageAndNothingElse_Dnh11()
    {
        Assert.Equal(Languages.Supported.Order(StringComparer.Ordinal), Languages.NativeNames.Keys.Order(StringComparer.Ordinal));
        Assert.All(Languages.NativeNames.Values, name => Assert.False(string.IsNullOrWhiteSpace(name)));
        Assert.Equal("English", Languages.NativeNames["en"]);
        Assert.Equal("Bahasa Melayu", Languages.NativeNames["ms"]);
        Assert.Equal("Bahasa Indonesia", Languages.NativeNames["id"]);
        Assert.Equal("Tiếng Việt", Languages.NativeNames["vi"]);
    }

    [Fact]
    public void NativeNames_OfNonLatinLanguages_AreWrittenInTheirOwnScript()
    {
        // A worker who reads Nepali, Bengali, Burmese or Khmer must find their language by its own name.
        Assert.All(["ne", "bn", "my", "km"], code => Assert.DoesNotContain(Languages.NativeNames[code], c => char.IsAsciiLetter(c)));
        Assert.Equal("नेपाली", Languages.NativeNames["ne"]);
        Assert.Equal("বাংলা", Languages.NativeNames["bn"]);
        Assert.Equal("မြန်မာ", Languages.NativeNames["my"]);
        Assert.Equal("ខ្មែរ", Languages.NativeNames["km"]);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ms")]
    [InlineData("id")]
    [InlineData("ne")]
    [InlineData("bn")]
    [InlineData("my")]
    [InlineData("km")]
    [InlineData("vi")]
    public void IsSupported_TrueForEveryLanguageOfDnh11(string code) => Assert.True(Languages.IsSupported(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("EN")]
    [InlineData("fr")]
    [InlineData("ne-NP")]
    [InlineData("tl")]
    public void IsSupported_FalseForOtherCodesAndTags(string? code) => Assert.False(Languages.IsSupported(code));

    [Theory]
    [InlineData("en")]
    [InlineData("ne-NP")]
    [InlineData("fil")]
    [InlineData("zh-Hant-TW")]
    [InlineData("es-419")]
    [InlineData("en-x-a")]
    [InlineData("EN-us")]
    [InlineData("de-DE-1901")]
    [InlineData("en-abcdefgh")]
    public void IsBcp47_AcceptsWellFormedTags(string tag) => Assert.True(Languages.IsBcp47(tag));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("e")]
    [InlineData("engl")]
    [InlineData("e1")]
    [InlineData("1en")]
    [InlineData("en-")]
    [InlineData("en--US")]
    [InlineData("en-abcdefghi")]
    [InlineData("en_US")]
    [InlineData("en-U$")]
    [InlineData("-en")]
    [InlineData("é")]
    [InlineData("ne-NP-é")]
    public void IsBcp47_RejectsMalformedTags(string? tag) => Assert.False(Languages.IsBcp47(tag));

    [Fact]
    public void IsBcp47_AcceptsUpTo35CharactersAndNoMore()
    {
        // RFC 5646 §4.4.1: 35 characters is the length every implementation must be able to hold.
        var longest = "en" + string.Concat(Enumerable.Repeat("-abcdefgh", 3)) + "-abcde";
        var tooLong = longest + "f";

        Assert.Equal(35, longest.Length);
        Assert.True(Languages.IsBcp47(longest));
        Assert.False(Languages.IsBcp47(tooLong));
    }

    [Theory]
    [InlineData("ne-NP", "ne")]
    [InlineData("EN-us", "en")]
    [InlineData("my", "my")]
    [InlineData("Zh-Hant-TW", "zh")]
    [InlineData("FIL", "fil")]
    public void Primary_IsTheLowerCasedPrimarySubtag(string tag, string expected) => Assert.Equal(expected, Languages.Primary(tag));
}
