#ifndef SWIFTLOADERS_CMPI_SHIM_H
#define SWIFTLOADERS_CMPI_SHIM_H
// pkg-config `ompi-c` adds Open MPI's include directory.
#include <mpi.h>

// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are macros casting the address of
// a global; Swift imports none of them, so these functions return them.
static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm cmpi_comm_null(void) { return MPI_COMM_NULL; }
static inline MPI_Info cmpi_info_null(void) { return MPI_INFO_NULL; }
static inline MPI_Errhandler cmpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype cmpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Op cmpi_min(void) { return MPI_MIN; }
static inline MPI_Op cmpi_max(void) { return MPI_MAX; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Op cmpi_sum(void) { return MPI_SUM; }
static inline int cmpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

#endif
