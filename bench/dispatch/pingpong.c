/* Raw C MPI ping-pong between ranks 0 and 1: the physical floor for one dispatch round trip.
 * Build: mpicc -O2 -o bench/out/pingpong bench/dispatch/pingpong.c
 * Run:   mpirun -n 2 bench/out/pingpong [iterations-16B] [iterations-64KiB]
 * Rank 0 prints one JSON line per message size: {"bytes":16,"iterations":...,"usPerRoundTrip":...}.
 * Ranks above 1 (if any) only take part in init and finalize. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double round_trip_us(int rank, char *buf, int bytes, int iterations) {
  const int warmup = iterations / 10 + 10;
  double start = 0.0;
  MPI_Barrier(MPI_COMM_WORLD);
  for (int i = 0; i < warmup + iterations; i++) {
    if (i == warmup) start = MPI_Wtime();
    if (rank == 0) {
      MPI_Send(buf, bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
      MPI_Recv(buf, bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
      MPI_Recv(buf, bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Send(buf, bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
    }
  }
  return (MPI_Wtime() - start) * 1e6 / iterations;
}

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size < 2) {
    if (rank == 0) fprintf(stderr, "pingpong needs at least 2 ranks\n");
    MPI_Finalize();
    return 2;
  }
  const int sizes[2] = {16, 64 * 1024};
  const int iterations[2] = {argc > 1 ? atoi(argv[1]) : 200000, argc > 2 ? atoi(argv[2]) : 20000};
  char *buf = malloc(64 * 1024);
  memset(buf, 1, 64 * 1024);
  for (int s = 0; s < 2; s++) {
    if (rank > 1) {
      MPI_Barrier(MPI_COMM_WORLD); /* the barrier inside round_trip_us */
      continue;
    }
    double us = round_trip_us(rank, buf, sizes[s], iterations[s]);
    if (rank == 0) {
      printf("{\"bytes\":%d,\"iterations\":%d,\"usPerRoundTrip\":%.4f}\n", sizes[s], iterations[s], us);
      fflush(stdout);
    }
  }
  free(buf);
  MPI_Finalize();
  return 0;
}
