using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace DriftWatch.Ml.Windows;

/// <summary>A window's anomaly score against the reference windows, its threshold and the most moved dimensions.</summary>
internal readonly record struct PcaWindowScore(double Score, double Threshold, IReadOnlyList<ValueShift> TopShifts);

/// <summary>
/// The reference windows of one behaviour, standardised and summarised by ML.NET's RandomizedPca. A window
/// scores T²/k (squared projections on the k principal axes over their reference variances) plus its
/// squared reconstruction error over the reference mean: both average about 1 on reference windows, and a
/// shift along a principal axis (which a pure reconstruction error misses) shows in the first term.
/// </summary>
internal sealed class PcaWindowModel
{
    private readonly WindowProfile _profile;
    private readonly double[] _center;
    private readonly double[] _scale;
    private readonly double[] _mean;
    private readonly double[][] _axes;
    private readonly double[] _axisVariance;
    private readonly double _meanResidual;

    private PcaWindowModel(WindowProfile profile, double[] center, double[] scale, double[] mean, double[][] axes, double[] axisVariance, double meanResidual)
    {
        _profile = profile;
        _center = center;
        _scale = scale;
        _mean = mean;
        _axes = axes;
        _axisVariance = axisVariance;
        _meanResidual = meanResidual;
    }

    public double Threshold { get; private set; }

    public int Rank => _axes.Length;

    public static PcaWindowModel Fit(WindowProfile profile, IReadOnlyList<double[]> referenceWindows, int windowSize, PcaAnomalyOptions options, int seed)
    {
        int dimension = profile.Dimension;
        int count = referenceWindows.Count;
        var center = new double[dimension];
        var scale = new double[dimension];
        for (int d = 0; d < dimension; d++)
        {
            var values = referenceWindows.Select(w => w[d]).Where(v => !double.IsNaN(v)).ToArray();
            double mean = values.Length == 0 ? 0 : values.Average();
            double variance = values.Length < 2 ? 0 : values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
            // Floors: a share that never moved in the reference still moves by 1/W per event, and a numeric
            // statistic that never moved must not turn rounding noise into an alarm.
            double floor = profile.IsRate(d) ? 1.0 / windowSize : Math.Max(1e-3 * Math.Abs(mean), 1e-9);
            center[d] = mean;
            scale[d] = Math.Max(Math.Sqrt(variance), floor);
        }

        var standardised = referenceWindows.Select(w => Standardise(w, center, scale)).ToArray();
        int rank = Math.Max(1, Math.Min(options.Rank, Math.Min(dimension - 1, count - 2)));
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(VectorRow));
        schema[nameof(VectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        var data = ml.Data.LoadFromEnumerable(standardised.Select(v => new VectorRow { Features = [.. v.Select(x => (float)x)] }), schema);
        var trainer = ml.AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options
        {
            FeatureColumnName = nameof(VectorRow.Features),
            Rank = rank,
            EnsureZeroMean = true,
            Seed = seed,
        });
        var parameters = trainer.Fit(data).Model;

        VBuffer<float> meanBuffer = default;
        parameters.GetMean(ref meanBuffer);
        var pcaMean = new double[dimension];
        foreach (var (index, value) in meanBuffer.Items())
        {
            pcaMean[index] = value;
        }

        VBuffer<float>[] vectors = [];
        parameters.GetEigenVectors(ref vectors, out int fitted);
        var axes = new double[fitted][];
        for (int k = 0; k < fitted; k++)
        {
            axes[k] = new double[dimension];
            foreach (var (index, value) in vectors[k].Items())
            {
                axes[k][index] = value;
            }
        }

        var projections = standardised.Select(v => Project(v, pcaMean, axes)).ToArray();
        var axisVariance = new double[fitted];
        for (int k = 0; k < fitted; k++)
        {
            axisVariance[k] = Math.Max(projections.Average(p => p.Coordinates[k] * p.Coordinates[k]), 1e-9);
        }

        double meanResidual = Math.Max(projections.Average(p => p.Residual), 1e-9);
        var model = new PcaWindowModel(profile, center, scale, pcaMean, axes, axisVariance, meanResidual);
        double worst = standardised.Max(model.ScoreStandardised);
        model.Threshold = worst * options.ThresholdMargin;
        return model;
    }

    /// <summary>Writes the fitted model (not its profile, which the owner writes once); exact doubles.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.WriteDoubles(_center);
        writer.WriteDoubles(_scale);
        writer.WriteDoubles(_mean);
        writer.Write7BitEncodedInt(_axes.Length);
        foreach (double[] axis in _axes)
        {
            writer.WriteDoubles(axis);
        }

        writer.WriteDoubles(_axisVariance);
        writer.Write(_meanResidual);
        writer.Write(Threshold);
    }

    public static PcaWindowModel ReadFrom(BinaryReader reader, WindowProfile profile)
    {
        double[] center = reader.ReadDoubles();
        double[] scale = reader.ReadDoubles();
        double[] mean = reader.ReadDoubles();
        var axes = new double[reader.ReadLength()][];
        for (int k = 0; k < axes.Length; k++)
        {
            axes[k] = reader.ReadDoubles();
        }

        double[] axisVariance = reader.ReadDoubles();
        double meanResidual = reader.ReadDouble();
        int dimension = profile.Dimension;
        if (center.Length != dimension || scale.Length != dimension || mean.Length != dimension
            || axisVariance.Length != axes.Length || axes.Any(a => a.Length != dimension))
        {
            throw new InvalidDataException($"PCA model does not fit its window profile of {dimension} dimensions.");
        }

        return new PcaWindowModel(profile, center, scale, mean, axes, axisVariance, meanResidual) { Threshold = reader.ReadDouble() };
    }

    public PcaWindowScore Score(double[] window, int topShifts)
    {
        var x = Standardise(window, _center, _scale);
        var shifts = Enumerable.Range(0, x.Length)
            .OrderByDescending(d => Math.Abs(x[d]))
            .ThenBy(d => d)
            .Take(topShifts)
            .Select(d => new ValueShift(_profile.DimensionNames[d], _center[d], double.IsNaN(window[d]) ? _center[d] : window[d]))
            .ToArray();
        return new PcaWindowScore(ScoreStandardised(x), Threshold, shifts);
    }

    private double ScoreStandardised(double[] x)
    {
        var (coordinates, residual) = Project(x, _mean, _axes);
        double t2 = 0;
        for (int k = 0; k < coordinates.Length; k++)
        {
            t2 += coordinates[k] * coordinates[k] / _axisVariance[k];
        }

        return (t2 / Math.Max(coordinates.Length, 1)) + (residual / _meanResidual);
    }

    private static double[] Standardise(double[] window, double[] center, double[] scale)
    {
        var x = new double[window.Length];
        for (int d = 0; d < x.Length; d++)
        {
            x[d] = double.IsNaN(window[d]) ? 0 : (window[d] - center[d]) / scale[d];
        }

        return x;
    }

    private static (double[] Coordinates, double Residual) Project(double[] x, double[] mean, double[][] axes)
    {
        var centred = new double[x.Length];
        double norm = 0;
        for (int d = 0; d < x.Length; d++)
        {
            centred[d] = x[d] - mean[d];
            norm += centred[d] * centred[d];
        }

        var coordinates = new double[axes.Length];
        double explained = 0;
        for (int k = 0; k < axes.Length; k++)
        {
            double dot = 0;
            for (int d = 0; d < x.Length; d++)
            {
                dot += centred[d] * axes[k][d];
            }

            coordinates[k] = dot;
            explained += dot * dot;
        }

        return (coordinates, Math.Max(norm - explained, 0));
    }

    /// <summary>One window vector; a public member because ML.NET binds columns by reflection.</summary>
    internal sealed class VectorRow
    {
        public float[] Features { get; set; } = [];
    }
}
