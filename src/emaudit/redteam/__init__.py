"""Red-team packs, rule detectors, the symptom report and the trigger scan."""
