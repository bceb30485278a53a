Console.Error.WriteLine("usage: AgentMail.Fuzz <target> [options]");
return 2;
