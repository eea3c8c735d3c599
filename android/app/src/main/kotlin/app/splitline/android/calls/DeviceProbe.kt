package app.splitline.android.calls

import android.content.Context
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.telephony.TelephonyManager
import app.splitline.android.PlatformSipCheck
import app.splitline.shell.calls.CallDevice
import app.splitline.shell.calls.DataNetwork
import app.splitline.shell.calls.callDevice

/** Reads what the core's routing needs from the platform; [callDevice] in the shell puts it together. */
class DeviceProbe(private val context: Context) {
    /** The device report now. */
    fun device(): CallDevice {
        val telephony = context.getSystemService(TelephonyManager::class.java)
        return callDevice(
            sip = PlatformSipCheck(context).status(),
            network = network(),
            roaming = telephony?.isNetworkRoaming ?: false,
            networkCountryIso = telephony?.networkCountryIso,
            simCountryIso = telephony?.simCountryIso,
            operator = telephony?.networkOperator,
        )
    }

    private fun network(): DataNetwork {
        val connectivity = context.getSystemService(ConnectivityManager::class.java) ?: return DataNetwork.NONE
        val capabilities = try {
            connectivity.getNetworkCapabilities(connectivity.activeNetwork)
        } catch (e: SecurityException) {
            null // ACCESS_NETWORK_STATE missing: say no data, and the core plans a carrier call
        } ?: return DataNetwork.NONE
        return when {
            capabilities.hasTransport(NetworkCapabilities.TRANSPORT_WIFI) -> DataNetwork.WIFI
            capabilities.hasTransport(NetworkCapabilities.TRANSPORT_CELLULAR) -> DataNetwork.CELLULAR
            else -> DataNetwork.NONE
        }
    }
}
