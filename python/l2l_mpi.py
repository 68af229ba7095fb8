"""What an optimizee written for the reference framework (L2L) imports from l2l-mpi instead.

    from l2l.optimizees.optimizee import Optimizee      # L2L
    from l2l_mpi import Optimizee                       # l2l-mpi: the only line that changes

The worker puts this folder on sys.path (embedded Python and the child process alike). The class is
built once per worker process as Class(traj, **args) and simulate(traj) is called per individual,
with traj.individual.<name>, traj.individual.generation and traj.individual.ind_idx set
(python/l2l_bridge.py; docs/python.md).
"""
from l2l_bridge import AttrDict, ParameterGroup, Trajectory

__all__ = ["Optimizee", "Trajectory", "ParameterGroup", "AttrDict"]


class Optimizee:
    """The reference framework's optimizee base class: subclasses override create_individual(),
    simulate(traj) and, when the parameters have bounds of their own, bounding_func(individual)."""

    def __init__(self, traj):
        pass

    def create_individual(self):
        """A dict of parameter names to values (numbers or arrays): the shape of an individual."""
        raise NotImplementedError

    def bounding_func(self, individual):
        """The individual, brought back into the parameters' valid range (default: unchanged)."""
        return individual

    def simulate(self, traj):
        """The fitness of traj.individual: a tuple of fitness values (or a dict with outputs too)."""
        raise NotImplementedError
