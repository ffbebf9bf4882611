"""Configuration items (PER-8 Pasal 22(5)): the applications, infrastructure and business
processes that tickets, problems, releases and changes point to, with their owner unit."""
