package app.splitline.android.calls

import android.app.Activity
import android.app.role.RoleManager
import android.content.Context
import android.os.Build

/**
 * The telecom roles the call features need (API 29+): `CALL_SCREENING` to
 * recognise callbacks and flash calls, `CALL_REDIRECTION` for numbers
 * dialled in the phone's own dialer. Asked for when the user turns a feature on.
 */
object CallRoles {
    /** `RoleManager.ROLE_CALL_SCREENING`. */
    const val SCREENING = "android.app.role.CALL_SCREENING"

    /** `RoleManager.ROLE_CALL_REDIRECTION`. */
    const val REDIRECTION = "android.app.role.CALL_REDIRECTION"

    /** Whether the app holds [role] (never below API 29). */
    fun held(context: Context, role: String): Boolean =
        Build.VERSION.SDK_INT >= Build.VERSION_CODES.Q &&
            context.getSystemService(RoleManager::class.java)?.isRoleHeld(role) == true

    /**
     * Asks the user to give the app [role]; false when this phone has no
     * such role (below API 29, or a build without it), so the screen says so.
     */
    fun request(activity: Activity, role: String, requestCode: Int): Boolean {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.Q) return false
        val roles = activity.getSystemService(RoleManager::class.java) ?: return false
        if (!roles.isRoleAvailable(role)) return false
        if (!roles.isRoleHeld(role)) activity.startActivityForResult(roles.createRequestRoleIntent(role), requestCode)
        return true
    }
}
