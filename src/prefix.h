/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal: the link-time names of the core's internal functions.  Every
 * global symbol of the library starts with qpybak_: the public API with
 * "qpybak_", the internals with the reserved "qpybak__" given here, so
 * that qpybak linked into MicroPython and a vendor SDK clashes with
 * nothing, while the source keeps its short names (zlib's Z_PREFIX does
 * the same).  A new internal function that is not static gets its line
 * here; tests/static/symbols.sh fails the build's tests otherwise.
 */
#ifndef QPYBAK_PREFIX_H
#define QPYBAK_PREFIX_H

#define backup_lookup qpybak__backup_lookup
#define batch_add qpybak__batch_add
#define batch_begin qpybak__batch_begin
#define batch_end qpybak__batch_end
#define batch_init qpybak__batch_init
#define batch_take qpybak__batch_take
#define choose_source qpybak__choose_source
#define cleanup_own_paths qpybak__cleanup_own_paths
#define clear_unless qpybak__clear_unless
#define copy_file qpybak__copy_file
#define run_init qpybak__run_init
#define run_lock qpybak__run_lock
#define run_unlock qpybak__run_unlock
#define dedupe_reset qpybak__dedupe_reset
#define dedupe_seen qpybak__dedupe_seen
#define dedupe_note qpybak__dedupe_note
#define dedupe_confirm qpybak__dedupe_confirm
#define entry_named qpybak__entry_named
#define err_class qpybak__err_class
#define file_checksum qpybak__file_checksum
#define file_checksum_upto qpybak__file_checksum_upto
#define size_rule qpybak__size_rule
#define floor_open qpybak__floor_open
#define floor_pending qpybak__floor_pending
#define name_key qpybak__name_key
#define name_sum_add qpybak__name_sum_add
#define floor_next qpybak__floor_next
#define floor_recorded qpybak__floor_recorded
#define fota_report_update qpybak__fota_report_update
#define fota_resume qpybak__fota_resume
#define index_add qpybak__index_add
#define index_done qpybak__index_done
#define index_find qpybak__index_find
#define index_forget qpybak__index_forget
#define index_init qpybak__index_init
#define index_note qpybak__index_note
#define install_copy qpybak__install_copy
#define install_sweep qpybak__install_sweep
#define installer_backup_path qpybak__installer_backup_path
#define installer_good_path qpybak__installer_good_path
#define io_close qpybak__io_close
#define io_list qpybak__io_list
#define io_mkdir qpybak__io_mkdir
#define io_open qpybak__io_open
#define io_read qpybak__io_read
#define io_remove qpybak__io_remove
#define io_rename qpybak__io_rename
#define io_replace qpybak__io_replace
#define io_stat qpybak__io_stat
#define io_sync qpybak__io_sync
#define io_write qpybak__io_write
#define journal_matches qpybak__journal_matches
#define jout_crc qpybak__jout_crc
#define jout_raw qpybak__jout_raw
#define jout_string qpybak__jout_string
#define jout_text qpybak__jout_text
#define jout_u64 qpybak__jout_u64
#define json_end_error qpybak__json_end_error
#define json_expect qpybak__json_expect
#define json_number qpybak__json_number
#define json_object_member qpybak__json_object_member
#define json_peek qpybak__json_peek
#define json_skip_bom qpybak__json_skip_bom
#define json_skip_value qpybak__json_skip_value
#define json_string qpybak__json_string
#define json_take qpybak__json_take
#define manifest_changes qpybak__manifest_changes
#define manifest_check qpybak__manifest_check
#define manifest_rewrite qpybak__manifest_rewrite
#define mfile_close qpybak__mfile_close
#define mfile_lookup qpybak__mfile_lookup
#define mfile_next qpybak__mfile_next
#define mfile_open qpybak__mfile_open
#define note_error qpybak__note_error
#define open_temp qpybak__open_temp
#define outfile_abort qpybak__outfile_abort
#define outfile_commit qpybak__outfile_commit
#define outfile_open qpybak__outfile_open
#define outfile_write qpybak__outfile_write
#define own_temp_name qpybak__own_temp_name
#define reader_accept_from qpybak__reader_accept_from
#define reader_from qpybak__reader_from
#define spare_split qpybak__spare_split
#define stage_holds_tracked qpybak__stage_holds_tracked
#define staging_name_check qpybak__staging_name_check
#define writer_entry_from qpybak__writer_entry_from

#endif
