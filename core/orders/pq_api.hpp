#pragma once
// Private to the PostgreSQL ledger: libpq, linked into the plugin lib/mpsupport/mpsupport-pq.so
// (see util/plugin.hpp) so that commands on a SQLite ledger never load it and its dependencies.
// Calls go through pq(): `pq().PQexec(connection, sql)`.
#include <libpq-fe.h>

#include "util/plugin.hpp"

namespace mps {

// The libpq functions the ledger calls; the members of PqApi carry the functions' own names.
#define MPS_PQ_FUNCTIONS(X)      \
    X(PQclear)                   \
    X(PQcmdTuples)               \
    X(PQconnectdbParams)         \
    X(PQconnectionNeedsPassword) \
    X(PQerrorMessage)            \
    X(PQexec)                    \
    X(PQexecParams)              \
    X(PQfinish)                  \
    X(PQgetisnull)               \
    X(PQgetlength)               \
    X(PQgetResult)               \
    X(PQgetvalue)                \
    X(PQntuples)                 \
    X(PQputCopyData)             \
    X(PQputCopyEnd)              \
    X(PQreset)                   \
    X(PQresultErrorField)        \
    X(PQresultErrorMessage)      \
    X(PQresultStatus)            \
    X(PQsendQueryParams)         \
    X(PQsetNoticeProcessor)      \
    X(PQsetSingleRowMode)        \
    X(PQstatus)

struct PqApi {
#define MPS_PQ_MEMBER(function) decltype(&::function) function;
    MPS_PQ_FUNCTIONS(MPS_PQ_MEMBER)
#undef MPS_PQ_MEMBER
};

// pq: libpq's functions, the plugin loaded on first use. Throws Error(internal) naming the
// plugin when it cannot load (libpq5 missing, a stale build).
inline const PqApi& pq() {
    return loaded_plugin<PqApi>("mpsupport-pq.so", "mpsupport_pq_api");
}

}  // namespace mps
