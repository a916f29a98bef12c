using TokenSkip.Core.Tools;
using Xunit;

namespace TokenSkip.Core.Tests.Tools;

/// <summary>Expected strings are Python's json.dumps(json.loads(text), ensure_ascii=False[, indent]) output, written out by hand.</summary>
public sealed class PythonJsonTests
{
    [Fact]
    public void UsesPythonsSeparatorsAndKeepsKeyOrder()
    {
        Assert.Equal(
            """{"b": 1, "a": [1, 2, {"x": null}], "c": true, "d": false}""",
            PythonJson.Dumps("""{"b":1,"a":[1,2,{"x":null}],"c":true,"d":false}"""));
    }

    [Fact]
    public void ARepeatedKeyKeepsItsFirstPlaceAndItsLastValue()
    {
        Assert.Equal("""{"k": 2, "j": 3}""", PythonJson.Dumps("""{"k":1,"k":2,"j":3}"""));
    }

    [Fact]
    public void EscapesOnlyQuotesBackslashesAndControlCharacters()
    {
        var json = "\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f u\\u0001\\u001F\\u007f / \\u00e9 \\u6771 \\ud83d\\ude00 \\u2028\"";

        Assert.Equal("\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f u\\u0001\\u001f\u007f / é 東 😀 \u2028\"", PythonJson.Dumps(json));
    }

    [Fact]
    public void WritesIntegersAsGivenAndOtherNumbersAsPythonsFloatRepr()
    {
        Assert.Equal(
            "[0, 0, 12345678901234567890123, 1.0, 1.5, -0.0, 0.0001, 1e-05, 1e+16, 1000000000000000.0, 1.2345678901234568e+17, 100.0, 2.5e-07, Infinity, -Infinity, 3.14159, 0.1]",
            PythonJson.Dumps("[0,-0,12345678901234567890123,1.0,1.50,-0.0,0.0001,0.00001,1e16,1e15,123456789012345678.0,1E+2,2.5e-7,1e400,-1e400,3.14159,0.1]"));
    }

    [Fact]
    public void IndentsLikePythonWithEmptyContainersOnOneLine()
    {
        Assert.Equal(
            "{\n    \"a\": {},\n    \"b\": [],\n    \"c\": {\n        \"d\": [\n            1,\n            {\n                \"e\": []\n            }\n        ]\n    }\n}",
            PythonJson.Dumps("""{"a":{},"b":[],"c":{"d":[1,{"e":[]}]}}""", indent: 4));
        Assert.Equal("{}", PythonJson.Dumps("{ }", indent: 2));
    }

    [Fact]
    public void DumpsAStringAsPythonDoes()
    {
        Assert.Equal("\"晴れ\\n\\\"25°C\\\"\"", PythonJson.DumpsString("晴れ\n\"25°C\""));
    }

    [Theory]
    [InlineData("{}", true)]
    [InlineData("{\"a\": [1]}", true)]
    [InlineData("[1]", false)]
    [InlineData("\"{}\"", false)]
    [InlineData("{", false)]
    [InlineData("{} {}", false)]
    [InlineData(null, false)]
    public void TellsAJsonObject(string? json, bool expected) => Assert.Equal(expected, PythonJson.IsObject(json));
}
