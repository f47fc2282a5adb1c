"""Reports of a plan: terminal tables (:mod:`.terminal`) and files (:mod:`.files`)."""
