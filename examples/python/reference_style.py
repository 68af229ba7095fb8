"""An optimizee in the reference framework's (L2L's) shape, run unchanged apart from one import.

This is the shape of L2L's FunctionGeneratorOptimizee: the constructor adds the individual's
parameters to the trajectory, create_individual() draws one, bounding_func() clips it, and
simulate(traj) reads traj.individual and returns a tuple of fitness values. Run it with:

    launch/mpirun.sh -n 4 node dist/main.js run examples/python-reference-style.yaml
"""
import numpy as np

from l2l_mpi import Optimizee  # was: from l2l.optimizees.optimizee import Optimizee


class RastriginOptimizee(Optimizee):
    def __init__(self, traj, dims, bound, seed):
        super().__init__(traj)
        self.dims = dims
        self.bound = bound
        self.random_state = np.random.RandomState(seed=seed)
        # the reference's idiom: the trajectory learns the individual's parameters from an example
        for key, val in self.create_individual().items():
            traj.individual.f_add_parameter(key, val)
        traj.individual.f_add_parameter("seed", seed)

    def create_individual(self):
        return dict(coords=self.random_state.uniform(self.bound[0], self.bound[1], self.dims))

    def bounding_func(self, individual):
        return dict(coords=np.clip(individual["coords"], a_min=self.bound[0], a_max=self.bound[1]))

    def simulate(self, traj):
        self.ind_idx = traj.individual.ind_idx
        self.generation = traj.individual.generation
        x = np.array(traj.individual.coords)
        value = 10 * len(x) + np.sum(x**2 - 10 * np.cos(2 * np.pi * x))
        return (value,)
