using LeanNets.Cli;

return LeanNetsCli.Run(args, Console.Out, Console.Error);
