# 0008-remote-user: auth = remote_user trusts the web server's REMOTE_USER;
# the users table still says who is an admin and who is disabled.  Asked
# with cgi-fcgi straight on the responders' socket, as nginx would.
source "$(dirname "$0")/../lib.sh"
stack_up 's/^auth = token/auth = remote_user/'

# answers USER METHOD PATH STATUS [VAR=VALUE...]: the name as the shipped
# nginx passes it once auth_basic checked it (JOBS_REMOTE_USER), unless
# other variables are given.
answers() {
	local u=$1 m=$2 p=$3 want=$4 first; shift 4
	[ $# -gt 0 ] || set -- JOBS_REMOTE_USER="$u"
	first=$(env -i "$@" REQUEST_METHOD="$m" DOCUMENT_URI="$p" \
	    QUERY_STRING="" cgi-fcgi -bind -connect "$T_DIR/run/fcgi.sock" | head -n 1)
	is "${first%$'\r'}" "Status: $want"
}
check "a vouched-for user is served" answers carol GET /api/jobs "200 OK"
check "no REMOTE_USER: 401" answers "" GET /api/jobs "401 Unauthorized"
check "not an admin by default" answers carol GET /api/admin/settings "403 Forbidden"
check "admin from the users table" answers root GET /api/admin/settings "200 OK"
ctl user disable alice
check "disabled user: 401" answers alice GET /api/jobs "401 Unauthorized"
check "a bad name: 401" answers "../x" GET /api/jobs "401 Unauthorized"
api GET /api/jobs
check "bearer tokens are not used in this mode" is "$ST" 401
# REMOTE_USER alone is what nginx makes of any client's Basic header:
# not believed.  With AUTH_TYPE (lighttpd's mod_auth, Apache) it is.
check "REMOTE_USER without AUTH_TYPE: 401" answers root GET /api/admin/settings "401 Unauthorized" REMOTE_USER=root
check "REMOTE_USER with AUTH_TYPE: served" answers root GET /api/admin/settings "200 OK" REMOTE_USER=root AUTH_TYPE=Basic
