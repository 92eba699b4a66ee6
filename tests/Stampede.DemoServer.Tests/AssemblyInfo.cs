// Every test class here starts a server that runs a real model on the CPU; run them one at a time so that
// timings and overload behaviour are not distorted by another class's inferences on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
