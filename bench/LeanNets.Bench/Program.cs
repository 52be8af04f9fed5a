using LeanNets.Bench;

return BenchProgram.Run(args);
