using LeanNets.Loading;
using LeanNets.Models.Detection;

namespace LeanNets.Inference.Detection;

/// <summary>Detectors made from registry models and weight files (the detector itself is in the runtime package,
/// which has no TorchSharp).</summary>
public static class ObjectDetectors
{
    extension(ObjectDetector)
    {
        /// <summary>A registry detector with weights from a file (<see cref="TrainedDetector.Load"/>), run by
        /// TorchSharp or by ONNX Runtime on its export (built in memory at the input size: the one given, else the
        /// trained one).</summary>
        public static ObjectDetector Load(
            string modelName,
            string weights,
            int? inputSize = null,
            float threshold = 0.25f,
            EngineKind engine = EngineKind.TorchSharp
        )
        {
            var trained = TrainedDetector.Load(modelName, weights);
            try
            {
                int side = trained.SideFor(inputSize);
                YoloLayout.RequireInputSize(side);
                Measures.MemoryEstimate.RequireFits(trained.Model, new Models.InputShape(3, side, side), 1,
                    training: false);
                IInferenceEngine runner = engine == EngineKind.OnnxRuntime
                    ? OnnxRuntimeSession.ForModel(trained.Model, side, 3)
                    : new TorchSharpEngine(trained.Model);
                var decoder = new YoloDecoder(trained.Model.Anchors, trained.Model.NumClasses)
                {
                    ConfidenceThreshold = threshold,
                };
                return new ObjectDetector(runner, decoder, threshold, trained.ClassNames, side, trained.Normalisation,
                    trained);
            }
            catch
            {
                trained.Dispose();
                throw;
            }
        }
    }
}
