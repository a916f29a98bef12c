using TokenSkip.Core.Engine;
using TokenSkip.Hosting.Api;
using TokenSkip.Hosting.Errors;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>Which exceptions say the client is at fault (4xx) and which the server (500).</summary>
public sealed class ApiExceptionMapperTests
{
    [Fact]
    public void AnInvalidRequestIs400NamingItsParameter()
    {
        var (error, _) = ApiExceptionMapper.Map(new InvalidRequestException("top_k", "top_k must be >= 0; got -1."));

        Assert.Equal(400, error.Status);
        Assert.Equal("top_k", error.Param);
        Assert.Equal("invalid_value", error.Code);
        Assert.Equal("top_k must be >= 0; got -1.", error.Message);
        Assert.Equal(ApiException.InvalidRequest, error.Type);
    }

    [Fact]
    public void AnInvalidRequestKeepsItsCode() =>
        Assert.Equal("context_length_exceeded", ApiExceptionMapper.Map(new InvalidRequestException("prompt", "too long", "context_length_exceeded")).Error.Code);

    [Fact]
    public void AContextOverflowIs400() =>
        Assert.Equal(400, ApiExceptionMapper.Map(new ContextLengthExceededException(10, 0, 8)).Error.Status);

    [Theory]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(ArgumentOutOfRangeException))]
    [InlineData(typeof(ArgumentNullException))]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(NullReferenceException))]
    public void AnythingElseIsTheServersFault(Type type)
    {
        var (error, retryAfter) = ApiExceptionMapper.Map((Exception)Activator.CreateInstance(type, "messages")!);

        Assert.Equal(500, error.Status);
        Assert.Equal("server_error", error.Type);
        Assert.Null(error.Param);
        Assert.Null(retryAfter);
    }
}
