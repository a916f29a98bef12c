using TokenSkip.Models.Training;
using TokenSkip.TestSupport;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace TokenSkip.Models.Tests.Training;

public sealed class AdamWOptimizerTests
{
    [Fact]
    public void StepsFollowPyTorchsAdamWArithmetic()
    {
        using var parameter = new Parameter(tensor(new[] { 1.0f, -2.0f }), requires_grad: true);
        using var optimizer = new AdamWOptimizer([new("p", parameter)], beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01);
        double[] p = [1.0, -2.0], m = [0, 0], v = [0, 0];
        double[][] gradients = [[0.5, 0.1], [-0.25, 0.3]];
        double[] rates = [0.1, 0.05];

        for (var t = 1; t <= 2; t++)
        {
            var g = gradients[t - 1];
            parameter.grad = tensor(g.Select(x => (float)x).ToArray());
            optimizer.Step(rates[t - 1]);
            optimizer.ZeroGrad();
            for (var i = 0; i < 2; i++)
            {
                p[i] *= 1 - rates[t - 1] * 0.01;
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                var denominator = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, t)) + 1e-8;
                p[i] -= rates[t - 1] / (1 - Math.Pow(0.9, t)) * m[i] / denominator;
            }

            var got = parameter.detach().data<float>().ToArray();
            Assert.Equal(p[0], got[0], 5);
            Assert.Equal(p[1], got[1], 5);
        }

        Assert.Null(parameter.grad);
        Assert.Equal(2, optimizer.StepCount);
    }

    [Fact]
    public void StateRoundTripsThroughAFile()
    {
        using var folder = new TempFolder();
        using var parameter = new Parameter(tensor(new[] { 1.0f, 2.0f, 3.0f }), requires_grad: true);
        using var first = new AdamWOptimizer([new("w", parameter)]);
        parameter.grad = tensor(new[] { 0.1f, -0.2f, 0.3f });
        first.Step(0.01);
        first.Save(folder.Combine("optimizer.safetensors"));

        using var copy = new Parameter(parameter.detach().clone(), requires_grad: true);
        using var second = new AdamWOptimizer([new("w", copy)]);
        second.Load(folder.Combine("optimizer.safetensors"), first.StepCount);
        foreach (var (optimizer, target) in new[] { (first, parameter), (second, copy) })
        {
            target.grad = tensor(new[] { 0.3f, 0.1f, -0.2f });
            optimizer.Step(0.01);
        }

        Assert.Equal(parameter.detach().data<float>().ToArray(), copy.detach().data<float>().ToArray());
    }
}
