# 0008-remote-user: auth = remote_user trusts the web server's REMOTE_USER;
# the users table still says who is an admin and who is disabled.  Asked
# with cgi-fcgi straight on the responders' socket, as nginx would.
source "$(dirname "$0")/../lib.sh"
stack_up 's/^auth = token/auth = remote_user/'

answers() {	# answers USER METHOD PATH STATUS
	local first
	first=$(env -i REMOTE_USER="$1" REQUEST_METHOD="$2" DOCUMENT_URI="$3" \
	    QUERY_STRING="" cgi-fcgi -bind -connect "$T_DIR/run/fcgi.sock" | head -n 1)
	is "${first%$'\r'}" "Status: $4"
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
