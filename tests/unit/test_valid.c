/* test_valid.c: validators and the settings table. */
#include "shared/jobmodel.h"
#include "shared/settings.h"
#include "shared/valid.h"
#include "test.h"

int
main(void)
{
	uint64_t v;
	uint8_t u[16];

	T_CHECK(valid_user("alice") && valid_user("a.b_c-1"));
	T_CHECK(!valid_user("") && !valid_user(".hidden") && !valid_user("-x") &&
	    !valid_user("a/b") && !valid_user("a b") && !valid_user(
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	T_CHECK(valid_instance("t123_x-y") && !valid_instance("a.b"));
	T_CHECK(valid_u64("0", 1, 10, &v) == 0 && v == 0);
	T_CHECK(valid_u64("1000", 4, 1000, &v) == 0 && v == 1000);
	T_CHECK(valid_u64("1001", 4, 1000, &v) == -1);
	T_CHECK(valid_u64("-1", 2, 1000, &v) == -1);
	T_CHECK(valid_u64(" 1", 2, 1000, &v) == -1);
	T_CHECK(valid_u64("1x", 2, 1000, &v) == -1);
	T_CHECK(valid_u64("", 0, 1000, &v) == -1);
	T_CHECK(valid_u64("99999999999999999999999", 23, UINT64_MAX, &v) == -1);
	T_CHECK(valid_u64("18446744073709551616", 20, UINT64_MAX, &v) == -1);
	T_CHECK(valid_uuid("6f1c2a9e-3b8d-4c1e-9a57-0d2f4b6e8c11", 36, u) == 0);
	T_CHECK(valid_uuid("6f1c2a9e-3b8d-4c1e-9a57-0d2f4b6e8c1", 35, u) == -1);
	T_CHECK(valid_uuid("not-a-uuid-not-a-uuid-not-a-uuid-xxx", 36, u) == -1);
	T_CHECK(valid_subdir("music") && valid_subdir("a/b c/d"));
	T_CHECK(!valid_subdir("") && !valid_subdir("/abs") && !valid_subdir("..") &&
	    !valid_subdir("a/../b") && !valid_subdir("a//b") &&
	    !valid_subdir("a/") && !valid_subdir("./a") && !valid_subdir("a\nb"));
	T_CHECK(valid_utf8("h\xc3\xa9", 3) && !valid_utf8("\xff", 1) &&
	    !valid_utf8("\xc3", 1) && !valid_utf8("\xed\xa0\x80", 3) &&
	    !valid_utf8("\xc0\x80", 2) && !valid_utf8("a\0b", 3));
	T_CHECK(job_status_parse("running", 7) == JOB_RUNNING);
	T_CHECK(job_status_parse("runnin", 6) == JOB_NONE);
	T_CHECK(settings_find("max_job_seconds") != NULL &&
	    settings_find("max_job_seconds")->max == 604800);
	T_CHECK(settings_find("nope") == NULL);
	return t_done("test_valid");
}
