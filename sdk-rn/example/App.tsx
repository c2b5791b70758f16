// Example integration of @tally/sdk-rn in the mobile banking app (not built in CI; needs a React
// Native project with @react-navigation/native and the optional peers installed).
import AsyncStorage from '@react-native-async-storage/async-storage';
import { createNavigationContainerRef, NavigationContainer } from '@react-navigation/native';
import { createNativeStackNavigator } from '@react-navigation/native-stack';
import * as Tally from '@tally/sdk-rn';
import { Button, Text, View } from 'react-native';

Tally.init({
  appKey: 'wk_demo',
  serverUrl: 'https://collect.bank.example',
  storage: AsyncStorage,
});
Tally.register({ $bank_code: 'B001' });

const navigationRef = createNavigationContainerRef();
const Stack = createNativeStackNavigator();

function Home() {
  return (
    <View>
      <Text>手机银行</Text>
      <Button title="同意隐私政策" onPress={() => Tally.optIn()} />
      <Button title="登录" onPress={() => Tally.login('C000123456')} />
      <Button title="转账" onPress={() => Tally.track('TransferSubmit', { amount: 5000 })} />
      <Button title="退出" onPress={() => Tally.logout()} />
    </View>
  );
}

export default function App() {
  return (
    <NavigationContainer ref={navigationRef} onReady={() => Tally.trackNavigationState(navigationRef)}>
      <Stack.Navigator>
        <Stack.Screen name="Home" component={Home} />
      </Stack.Navigator>
    </NavigationContainer>
  );
}
