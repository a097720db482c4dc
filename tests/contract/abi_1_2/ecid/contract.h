/*
 * ecid adapter contract, ABI v1 — the only thing an adapter and the host share.
 *
 * Rules (docs/contract.md explains each):
 *  - Plain C: fixed-width integers, borrowed (ptr, len) views, function pointers. No C++ types,
 *    no exceptions, no ownership transfer of memory between the two sides.
 *  - Every struct begins with `struct_size`. Structs only grow by appending members; a reader
 *    must check `struct_size` before touching a member added after 1.0.
 *  - Everything passed into a call is borrowed until that call returns. The side that keeps
 *    data copies it. Whoever allocates frees.
 *  - The one exported symbol is ECID_ADAPTER_ENTRY_NAME; its name carries the ABI major.
 *
 * Minor history (append here when a member is added):
 *   1.0  first release.
 *   1.1  batches (docs/contract.md, "Batches"): query kind ECID_Q_BATCH_DUPLICATES, field
 *        ECID_F_SECTOR_RECORD_ID, and the record[n] subject convention for batch documents.
 *   1.2  identity binding: claim ECID_F_EID_NONCE on ECID_Q_EID_ASSERTION, the nonce the
 *        document carries beside its token (the token's `nonce` must equal it).
 */
#ifndef ECID_CONTRACT_H
#define ECID_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ECID_ABI_MAJOR 1
#define ECID_ABI_MINOR 2

/* Name of the exported entry function of an ABI-1 adapter. */
#define ECID_ADAPTER_ENTRY_NAME "ecid_adapter_entry_v1"

/* Most rounds of register queries one document may ask for (round 0 .. ECID_MAX_ROUNDS-1). */
#define ECID_MAX_ROUNDS 4

/* A borrowed UTF-8 byte view; not NUL-terminated. {NULL, 0} is the empty/absent value. */
typedef struct ecid_str {
  const char* ptr;
  uint64_t len;
} ecid_str;

/* Result codes returned by every adapter function and every host callback. */
typedef enum ecid_result {
  ECID_OK = 0,
  ECID_E_INVALID_DOCUMENT = 1, /* the document is malformed or not of a handled type */
  ECID_E_UNSUPPORTED = 2,      /* a version, document type or request the callee cannot serve */
  ECID_E_INTERNAL = 3,         /* a bug or unexpected failure inside the callee */
  ECID_E_NO_MEMORY = 4,
  ECID_E_HOST = 5,             /* a host service failed (register unavailable, deadline, …) */
  ECID_E_LIMIT = 6,            /* a bound was exceeded (too many queries, findings, rounds) */
  ECID_E_ARGUMENT = 7          /* a NULL or out-of-range argument */
} ecid_result;

/* What the host can look up. Adapters declare the kinds they use in their manifest. */
typedef enum ecid_query_kind {
  ECID_Q_PERSON_BY_ID = 1,        /* key: 12-digit personal ID number */
  ECID_Q_PERSON_BY_LEGACY_ID = 2, /* key: 9-digit CMND number */
  ECID_Q_PERSON_CANDIDATES = 3,   /* no key: claims name + birth date (+ birth registration place) */
  ECID_Q_VEHICLE_BY_PLATE = 4,    /* key: plate, any common spelling. Empty key: the plates of the
                                     owner in claim ECID_F_VEHICLE_OWNER_ID (required), optionally
                                     narrowed by claims ECID_F_VEHICLE_KIND / ECID_F_PLATE_STATUS
                                     (without a status: active and held plates) */
  ECID_Q_ORGANISATION_BY_CODE = 5,/* key: organisation code */
  ECID_Q_EID_ASSERTION = 6,       /* key: compact signed identity assertion */
  /* Added in 1.1. key: a value meant to identify one subject across a whole batch (e.g. a
     personal ID); one claim ECID_F_SECTOR_RECORD_ID: this record's own identifier (e.g. its
     social-insurance code). FOUND with one record per *other* identifier that shares the key
     anywhere in the batch (field ECID_F_SECTOR_RECORD_ID); NOT_FOUND when there is none.
     Answered by the host from the input itself, never from a register; a host that is not
     running a batch answers UNAVAILABLE or REFUSED. */
  ECID_Q_BATCH_DUPLICATES = 7
} ecid_query_kind;

/*
 * Register fields, named after the legal fields of the national population database
 * (Law on Identification 2023, Art. 9), plus the vehicle and organisation registers.
 * Field ids are stable forever; new ones are appended.
 */
typedef enum ecid_field {
  ECID_F_FULL_NAME = 1,
  ECID_F_OTHER_NAMES = 2,
  ECID_F_PERSONAL_ID = 3,
  ECID_F_BIRTH_DATE = 4,       /* YYYY-MM-DD, YYYY-MM or YYYY */
  ECID_F_SEX = 5,              /* "M" or "F" */
  ECID_F_BIRTH_PLACE = 6,
  ECID_F_BIRTH_REGISTRATION_PLACE = 7, /* 3-digit province code of the ID number table */
  ECID_F_HOMETOWN = 8,
  ECID_F_ETHNICITY = 9,        /* sensitive */
  ECID_F_RELIGION = 10,        /* sensitive */
  ECID_F_NATIONALITY = 11,
  ECID_F_BLOOD_TYPE = 12,      /* sensitive */
  ECID_F_LEGACY_ID = 13,
  ECID_F_PERMANENT_RESIDENCE = 16,
  ECID_F_TEMPORARY_RESIDENCE = 17,
  ECID_F_CURRENT_RESIDENCE = 18,
  ECID_F_MARITAL_STATUS = 21,
  ECID_F_HOUSEHOLD = 23,       /* household id and relation to its head */
  ECID_F_DEATH_DATE = 24,      /* empty when alive */
  /* vehicle register */
  ECID_F_PLATE = 40,
  ECID_F_VEHICLE_OWNER_ID = 41,   /* personal ID or organisation code */
  ECID_F_VEHICLE_OWNER_KIND = 42, /* "person" or "organisation" */
  ECID_F_PLATE_STATUS = 43,       /* "active", "held", "revoked" */
  ECID_F_PLATE_HISTORY = 44,
  ECID_F_VEHICLE_KIND = 45,
  /* organisation register */
  ECID_F_ORG_CODE = 60,
  ECID_F_ORG_NAME = 61,
  ECID_F_ORG_REPRESENTATIVE_ID = 62,
  ECID_F_ORG_REPRESENTATIVE_NAME = 63,
  ECID_F_ORG_STATUS = 64,
  ECID_F_ORG_HEAD_OFFICE = 65,
  /* identity assertion (ECID_Q_EID_ASSERTION) */
  ECID_F_EID_LEVEL = 80,
  /* Added in 1.2: a claim only, never disclosed. The nonce the relying party put in its
     authentication request and the document carries beside the token: binds the token to it. */
  ECID_F_EID_NONCE = 81,
  /* Added in 1.1: batches (ECID_Q_BATCH_DUPLICATES) */
  ECID_F_SECTOR_RECORD_ID = 90    /* the record's identifier in its sector system (e.g. SI code) */
} ecid_field;

/* A value the adapter asserts about the subject, for the host to compare with the register. */
typedef struct ecid_claim {
  uint32_t struct_size;
  uint32_t field; /* ecid_field */
  ecid_str value;
} ecid_claim;

/* One planned look-up. */
typedef struct ecid_query {
  uint32_t struct_size;
  uint32_t kind;          /* ecid_query_kind */
  ecid_str subject_ref;   /* the adapter's name for the subject, e.g. "party[2]"; echoed in reports */
  ecid_str key;           /* see ecid_query_kind; empty for candidate searches */
  ecid_str purpose;       /* a purpose id declared in the manifest */
  const ecid_claim* claims;
  uint32_t claim_count;
  uint32_t field_count;   /* fields the adapter wants disclosed (ecid_field values) */
  const uint32_t* fields;
} ecid_query;

/* How a claimed value compares with the register. */
typedef enum ecid_check_outcome {
  ECID_CHECK_MATCH = 1,          /* equal after normalisation */
  ECID_CHECK_MATCH_PARTIAL = 2,  /* e.g. register holds year only and the year agrees */
  ECID_CHECK_NEEDS_REVIEW = 3,   /* agrees only loosely (diacritic-stripped, fuzzy) */
  ECID_CHECK_MISMATCH = 4,
  ECID_CHECK_NO_VALUE = 5        /* the register holds nothing to compare with */
} ecid_check_outcome;

typedef struct ecid_field_check {
  uint32_t struct_size;
  uint32_t field;    /* ecid_field */
  uint32_t outcome;  /* ecid_check_outcome */
  ecid_str reason;   /* short human reason, no personal data */
} ecid_field_check;

typedef struct ecid_field_value {
  uint32_t struct_size;
  uint32_t field; /* ecid_field */
  ecid_str value;
} ecid_field_value;

/* One register record, trimmed to the fields the policy allows, with the claim checks. */
typedef struct ecid_record {
  uint32_t struct_size;
  uint32_t value_count;
  const ecid_field_value* values;
  uint32_t check_count;
  const ecid_field_check* checks;
} ecid_record;

typedef enum ecid_answer_status {
  ECID_ANSWER_FOUND = 1,
  ECID_ANSWER_NOT_FOUND = 2,
  ECID_ANSWER_UNAVAILABLE = 3,   /* register down, timed out, circuit open */
  ECID_ANSWER_BAD_ANSWER = 4,    /* register answered something unusable */
  ECID_ANSWER_REFUSED = 5,       /* refused by policy before any I/O */
  ECID_ANSWER_INVALID_KEY = 6,   /* the key cannot exist (bad ID structure, impossible plate) */
  ECID_ANSWER_REJECTED = 7       /* identity assertion rejected; detail says why */
} ecid_answer_status;

typedef struct ecid_answer {
  uint32_t struct_size;
  uint32_t query_id;      /* the id add_query returned */
  uint32_t round;         /* round the query was planned in */
  uint32_t status;        /* ecid_answer_status */
  ecid_str source;        /* which register answered, e.g. "population/embedded" */
  ecid_str detail;        /* reason for a non-FOUND status; never personal data */
  uint32_t record_count;  /* 0, 1, or several for candidate searches */
  const ecid_record* records;
} ecid_answer;

/* Host-owned sink for planned queries. Valid only during the plan() call. */
typedef struct ecid_plan_sink {
  uint32_t struct_size;
  void* ctx;
  /* Copies *query; writes the query's id (unique within the document). */
  int32_t (*add_query)(void* ctx, const ecid_query* query, uint32_t* out_query_id);
} ecid_plan_sink;

typedef enum ecid_severity {
  ECID_SEVERITY_OK = 0,        /* verified, informational */
  ECID_SEVERITY_ATTENTION = 1, /* an operator must look */
  ECID_SEVERITY_ERROR = 2      /* the check could not be done */
} ecid_severity;

/* Finding codes: defined once here, documented in docs/findings.md. Appended only. */
typedef enum ecid_finding_code {
  ECID_FINDING_VERIFIED = 1,
  ECID_FINDING_MISMATCH = 2,             /* field names the differing register field */
  ECID_FINDING_ID_NOT_FOUND = 3,
  ECID_FINDING_ID_STRUCTURE_INCONSISTENT = 4,
  ECID_FINDING_DECEASED = 5,
  ECID_FINDING_LEGACY_ID_RESOLVED = 6,
  ECID_FINDING_ADDRESS_FOR_SERVICE = 7,  /* value: the address; detail: which residence */
  ECID_FINDING_NEEDS_REVIEW = 8,
  ECID_FINDING_REGISTER_UNAVAILABLE = 9,
  ECID_FINDING_REFUSED_BY_POLICY = 10,
  ECID_FINDING_INVALID_INPUT = 11,       /* the document's own data is unusable */
  ECID_FINDING_NO_ID_GIVEN = 12,
  ECID_FINDING_AMBIGUOUS = 13,
  ECID_FINDING_PROPOSED_ID = 14,
  ECID_FINDING_DUPLICATE = 15,
  ECID_FINDING_IDENTITY_VERIFIED = 16,
  ECID_FINDING_IDENTITY_REJECTED = 17,
  ECID_FINDING_NOTICE_ROUTE = 18,
  ECID_FINDING_PLATE_UNKNOWN = 19,
  ECID_FINDING_PLATE_NOT_ACTIVE = 20,
  ECID_FINDING_ORGANISATION_OWNER = 21,
  ECID_FINDING_ORGANISATION_NOT_ACTIVE = 22,
  ECID_FINDING_REPRESENTATIVE_MISMATCH = 23,
  ECID_FINDING_UNDER_AGE = 24,
  ECID_FINDING_HELD_PLATE_AVAILABLE = 25,
  ECID_FINDING_ORGANISATION_NOT_FOUND = 26
} ecid_finding_code;

typedef struct ecid_finding {
  uint32_t struct_size;
  uint32_t code;          /* ecid_finding_code */
  uint32_t severity;      /* ecid_severity */
  uint32_t field;         /* ecid_field concerned, 0 if none */
  ecid_str subject_ref;   /* as in the query */
  ecid_str value;         /* e.g. the address for service; may hold personal data the policy allowed */
  ecid_str detail;        /* human explanation, no personal data */
} ecid_finding;

/* Host-owned sink for findings and diagnostics. Valid only during the call it is passed to. */
typedef struct ecid_report_sink {
  uint32_t struct_size;
  void* ctx;
  int32_t (*add_finding)(void* ctx, const ecid_finding* finding);
  /* The document's own reference (case number, batch id) for the report and the audit trail. */
  int32_t (*set_document_ref)(void* ctx, ecid_str reference);
  /* Why the call failed; the host shows it to the operator. No personal data. */
  void (*set_error)(void* ctx, ecid_str message);
} ecid_report_sink;

typedef enum ecid_log_level {
  ECID_LOG_DEBUG = 0,
  ECID_LOG_INFO = 1,
  ECID_LOG_WARN = 2,
  ECID_LOG_ERROR = 3
} ecid_log_level;

/* Decoded 12-digit personal ID number (rules: docs/domain.md §1.2, §1.4). */
typedef struct ecid_personal_id_info {
  uint32_t struct_size;
  int32_t valid;             /* 1 when the structure is valid */
  uint32_t province_code;    /* e.g. 1 for Hà Nội (code "001") */
  uint32_t sex;              /* 'M' or 'F' */
  int32_t birth_year;
  ecid_str problem;          /* static string: why it is invalid */
} ecid_personal_id_info;

/* A calendar date that may be partial. month/day 0 = unknown. */
typedef struct ecid_date {
  uint32_t struct_size;
  int32_t year;
  int32_t month;
  int32_t day;
} ecid_date;

/*
 * Services the host offers every adapter. One table per host, shared by all threads;
 * every function is thread-safe. Passed to create(); valid until destroy() returns.
 */
typedef struct ecid_host_services {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  void* ctx;
  void (*log)(void* ctx, uint32_t level, ecid_str message); /* never pass personal data */
  /* Personal ID rules, in one place: structure and decoding. */
  int32_t (*decode_personal_id)(void* ctx, ecid_str id, ecid_personal_id_info* out);
  /* Dates in the formats the sectors use (dd/mm/yyyy, ddmmyyyy, YYYYMMDD, YYYY, 00/00/YYYY, …). */
  int32_t (*parse_date)(void* ctx, ecid_str text, ecid_date* out);
  /* Current UTC time in seconds since the epoch (a test host may fix it). */
  int64_t (*now)(void* ctx);
} ecid_host_services;

/* A document type an adapter handles: root element local name + namespace URI. */
typedef struct ecid_document_type {
  uint32_t struct_size;
  const char* root;       /* NUL-terminated, static */
  const char* namespace_uri;
} ecid_document_type;

/*
 * The adapter's descriptor: static storage in the adapter, valid until the library is unloaded.
 *
 * Lifecycle: create() once per host; then for each document, from any thread:
 *   open_document() → plan(round 0) → host runs the queries → plan(round 1, answers) → …
 *   until plan() adds no query or ECID_MAX_ROUNDS → assess(all answers) → close_document().
 * One instance serves many documents concurrently; one session is used by one thread at a time.
 */
typedef struct ecid_adapter_v1 {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  const char* name;     /* NUL-terminated, static; must equal the manifest */
  const char* version;
  uint32_t document_type_count;
  const ecid_document_type* document_types;

  int32_t (*create)(const ecid_host_services* host, void** out_instance);
  void (*destroy)(void* instance);

  /* Parses the document (borrowed); *out_session is owned by the adapter until close_document. */
  int32_t (*open_document)(void* instance, ecid_str document, const ecid_report_sink* diagnostics,
                           void** out_session);
  /* Adds the queries of `round`; answers are those of all earlier rounds. */
  int32_t (*plan)(void* session, uint32_t round, const ecid_answer* answers, uint32_t answer_count,
                  const ecid_plan_sink* sink, const ecid_report_sink* diagnostics);
  /* Turns all answers into findings. */
  int32_t (*assess)(void* session, const ecid_answer* answers, uint32_t answer_count,
                    const ecid_report_sink* report);
  void (*close_document)(void* session);
} ecid_adapter_v1;

/*
 * The entry function. The host passes its ABI version; an adapter that cannot serve that host
 * returns NULL. The returned pointer is owned by the adapter and is static.
 */
typedef const ecid_adapter_v1* (*ecid_adapter_entry_fn)(uint16_t host_abi_major,
                                                         uint16_t host_abi_minor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ECID_CONTRACT_H */
