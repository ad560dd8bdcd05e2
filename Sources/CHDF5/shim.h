#ifndef SWIFTLOADERS_CHDF5_SHIM_H
#define SWIFTLOADERS_CHDF5_SHIM_H
// pkg-config `hdf5` adds the include directory; Debian's serial build also lives under hdf5/serial.
#if __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#include <hdf5/serial/hdf5.h>
#endif
#include <stdio.h>
#include <string.h>

// libhdf5's constants are macros that expand to global variables after a library-open call
// (H5OPEN); Swift imports neither, so these functions return them.
static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }
static inline hid_t chdf5_e_default(void) { return H5E_DEFAULT; }
static inline unsigned chdf5_f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline haddr_t chdf5_haddr_undef(void) { return HADDR_UNDEF; }
static inline hid_t chdf5_p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t chdf5_p_dataset_create(void) { return H5P_DATASET_CREATE; }

static inline hid_t chdf5_t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t chdf5_t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t chdf5_t_native_int16(void) { return H5T_NATIVE_INT16; }
static inline hid_t chdf5_t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t chdf5_t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t chdf5_t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t chdf5_t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t chdf5_t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t chdf5_t_ieee_f32be(void) { return H5T_IEEE_F32BE; }
static inline hid_t chdf5_t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t chdf5_t_ieee_f64be(void) { return H5T_IEEE_F64BE; }
static inline hid_t chdf5_t_std_i8le(void) { return H5T_STD_I8LE; }
static inline hid_t chdf5_t_std_u8le(void) { return H5T_STD_U8LE; }
static inline hid_t chdf5_t_std_i16le(void) { return H5T_STD_I16LE; }
static inline hid_t chdf5_t_std_u16le(void) { return H5T_STD_U16LE; }
static inline hid_t chdf5_t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t chdf5_t_std_u32le(void) { return H5T_STD_U32LE; }
static inline hid_t chdf5_t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t chdf5_t_std_u64le(void) { return H5T_STD_U64LE; }
static inline hid_t chdf5_p_link_create(void) { return H5P_LINK_CREATE; }

/// Turns off libhdf5's printing of error stacks for the calling thread (the stack is per thread).
static inline void chdf5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

struct chdf5_error_text {
    char *buffer;
    size_t capacity;
    size_t length;
    unsigned count;
    unsigned limit;
};

static herr_t chdf5__append_error(unsigned n, const H5E_error2_t *error, void *context) {
    (void)n;
    struct chdf5_error_text *text = (struct chdf5_error_text *)context;
    const char *desc = (error->desc && error->desc[0]) ? error->desc : "(no description)";
    int written = snprintf(text->buffer + text->length, text->capacity - text->length, "%s%s",
                           text->count ? "; " : "", desc);
    if (written > 0) {
        size_t room = text->capacity - text->length - 1;
        text->length += (size_t)written < room ? (size_t)written : room;
    }
    text->count += 1;
    return (text->length + 1 >= text->capacity || text->count >= text->limit) ? 1 : 0;
}

/// Writes up to `limit` entries of the calling thread's error stack, innermost cause first, into
/// `buffer` and clears the stack; returns the text's length.
static inline size_t chdf5_error_message(char *buffer, size_t capacity, unsigned limit) {
    if (capacity == 0) { return 0; }
    buffer[0] = 0;
    struct chdf5_error_text text = {buffer, capacity, 0, 0, limit};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, chdf5__append_error, &text);
    H5Eclear2(H5E_DEFAULT);
    return text.length;
}

/// The kinds of links `chdf5_iterate_links` reports, independent of the library version.
enum { CHDF5_LINK_HARD = 0, CHDF5_LINK_SOFT = 1, CHDF5_LINK_EXTERNAL = 2, CHDF5_LINK_OTHER = 3 };

typedef int (*chdf5_link_visitor)(const char *name, int kind, void *context);

struct chdf5__link_iteration {
    chdf5_link_visitor visit;
    void *context;
};

static herr_t chdf5__visit_link(hid_t group, const char *name, const H5L_info_t *info, void *data) {
    (void)group;
    struct chdf5__link_iteration *iteration = (struct chdf5__link_iteration *)data;
    int kind = info->type == H5L_TYPE_HARD ? CHDF5_LINK_HARD
             : info->type == H5L_TYPE_SOFT ? CHDF5_LINK_SOFT
             : info->type == H5L_TYPE_EXTERNAL ? CHDF5_LINK_EXTERNAL : CHDF5_LINK_OTHER;
    return iteration->visit(name, kind, iteration->context);
}

/// Calls `visit` for each link in `group` in name order, without following any of them.
/// `H5Literate` names a different function (and link-info type) in each library version; the
/// macro picks the right one here, where C can see it.
static inline herr_t chdf5_iterate_links(hid_t group, chdf5_link_visitor visit, void *context) {
    struct chdf5__link_iteration iteration = {visit, context};
    hsize_t index = 0;
    return H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &index, chdf5__visit_link, &iteration);
}

/// Whether `group` keeps its links in dense storage (a fractal heap indexed by a v2 B-tree);
/// sets `count` to its number of links. Returns a negative value on failure.
static inline int chdf5_group_is_dense(hid_t group, hsize_t *count) {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) { return -1; }
    *count = info.nlinks;
    return info.storage_type == H5G_STORAGE_TYPE_DENSE;
}

/// The name of link `index` of `group` in storage order, into `name` (at most `capacity` bytes
/// with the terminating zero), and its kind; returns the name's length, or a negative value.
static inline ssize_t chdf5_link_by_index(hid_t group, hsize_t index, char *name, size_t capacity, int *kind) {
    ssize_t length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_NATIVE, index, name, capacity, H5P_DEFAULT);
    H5L_info_t info;
    if (length < 0 || H5Lget_info_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_NATIVE, index, &info, H5P_DEFAULT) < 0) {
        return -1;
    }
    *kind = info.type == H5L_TYPE_HARD ? CHDF5_LINK_HARD
          : info.type == H5L_TYPE_SOFT ? CHDF5_LINK_SOFT
          : info.type == H5L_TYPE_EXTERNAL ? CHDF5_LINK_EXTERNAL : CHDF5_LINK_OTHER;
    return length;
}

/// The target of the last external link refused, "FILE:OBJECT" (empty when none since it was
/// last taken); callers hold their own lock around every libhdf5 call.
static inline char *chdf5__refused_link(void) {
    static char target[512];
    return target;
}

static herr_t chdf5__deny_external_link(const char *parent_file, const char *parent_group,
                                        const char *child_file, const char *child_object,
                                        unsigned *flags, hid_t fapl, void *context) {
    (void)parent_file; (void)parent_group; (void)flags; (void)fapl; (void)context;
    snprintf(chdf5__refused_link(), 512, "%s:%s",
             child_file ? child_file : "?", child_object ? child_object : "?");
    return -1;
}

/// Copies the target of the external link refused since the last call into `buffer` and forgets
/// it; returns its length (0 when no link was refused).
static inline size_t chdf5_take_refused_external_link(char *buffer, size_t capacity) {
    if (capacity == 0) { return 0; }
    snprintf(buffer, capacity, "%s", chdf5__refused_link());
    chdf5__refused_link()[0] = 0;
    return strlen(buffer);
}

/// The file number and address that identify the object `object` (two hard links to one group
/// give the same pair); returns a negative value on failure.
static inline int chdf5_object_identity(hid_t object, unsigned long *fileno, uint64_t *address) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info3(object, &info, H5O_INFO_BASIC) < 0) { return -1; }
    // The native file format's token is the object's address.
    uint64_t encoded = 0;
    memcpy(&encoded, info.token.__data, sizeof encoded);
    *fileno = info.fileno;
    *address = encoded;
#else
    H5O_info_t info;
    if (H5Oget_info2(object, &info, H5O_INFO_BASIC) < 0) { return -1; }
    *fileno = info.fileno;
    *address = (uint64_t)info.addr;
#endif
    return 0;
}

/// A link-access property list that refuses to follow external links (they name other files,
/// which an untrusted file must not make us open) and bounds soft-link chains.
static inline hid_t chdf5_create_safe_link_access(void) {
    hid_t list = H5Pcreate(H5P_LINK_ACCESS);
    if (list < 0) { return list; }
    if (H5Pset_elink_cb(list, chdf5__deny_external_link, NULL) < 0 || H5Pset_nlinks(list, 16) < 0) {
        H5Pclose(list);
        return -1;
    }
    return list;
}
#endif
